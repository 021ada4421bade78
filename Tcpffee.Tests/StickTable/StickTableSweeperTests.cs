using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for the periodic sweeper driven by a fake clock.</summary>
public sealed class StickTableSweeperTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Timer_ClockAdvancesPastExpiry_SweepsExpiredEntries()
    {
        var table = _clock.NewTable(expiration: TimeSpan.FromSeconds(10));
        using var sweeper = new StickTableSweeper(table, Interval, _clock.Time);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));

        _clock.Time.Advance(Interval);
        Assert.Equal(2, table.StoredCount);

        _clock.Time.Advance(Interval);
        Assert.Equal(1, table.StoredCount);
        Assert.Equal(1, sweeper.TotalSwept);
    }

    [Fact]
    public void Dispose_ThenClockAdvances_NoMoreSweeps()
    {
        var table = _clock.NewTable(expiration: TimeSpan.FromSeconds(10));
        var sweeper = new StickTableSweeper(table, Interval, _clock.Time);
        table.Assign(Key(1), 1);
        table.Release(Key(1));

        sweeper.Dispose();
        _clock.Time.Advance(Interval * 4);

        Assert.Equal(1, table.StoredCount);
    }

    [Fact]
    public void ChangeInterval_Longer_SweepsOnNewSchedule()
    {
        var table = _clock.NewTable(expiration: TimeSpan.FromSeconds(1));
        using var sweeper = new StickTableSweeper(table, Interval, _clock.Time);
        sweeper.ChangeInterval(TimeSpan.FromMinutes(1));
        table.Assign(Key(1), 1);
        table.Release(Key(1));

        _clock.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.Equal(1, table.StoredCount);
        _clock.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(0, table.StoredCount);
    }

    [Fact]
    public void Constructor_NonPositiveInterval_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StickTableSweeper(_clock.NewTable(), TimeSpan.Zero, _clock.Time));
}
