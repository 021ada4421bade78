using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for restoring saved entries into a table.</summary>
public sealed class LocalStickTableRestoreTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Restore_Entry_IdleAndExpiresAfterRemaining()
    {
        var table = _clock.NewTable();

        Assert.True(table.Restore(Key(1), 4, TimeSpan.FromMinutes(10)));

        var entry = Assert.Single(table.Snapshot());
        Assert.Equal(0, entry.OpenConnections);
        Assert.Equal(StickTableTestClock.Start + TimeSpan.FromMinutes(10), entry.ExpiresAt);
        Assert.Equal(1, table.CountForGroup(4));
        _clock.Time.Advance(TimeSpan.FromMinutes(10) - Tick);
        Assert.Equal(4, table.Lookup(Key(1)));
        _clock.Time.Advance(Tick);
        Assert.Null(table.Lookup(Key(1)));
    }

    [Fact]
    public void Restore_RemainingBeyondExpiration_CappedAtExpiration()
    {
        var table = _clock.NewTable();

        table.Restore(Key(1), 4, StickTableTestClock.Expiration * 3);

        Assert.Equal(StickTableTestClock.Start + StickTableTestClock.Expiration, Assert.Single(table.Snapshot()).ExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Restore_NoTimeRemaining_NotStored(int remainingSeconds)
    {
        var table = _clock.NewTable();

        Assert.False(table.Restore(Key(1), 4, TimeSpan.FromSeconds(remainingSeconds)));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Restore_AliveEntryExists_KeepsIt()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);

        Assert.False(table.Restore(Key(1), 4, TimeSpan.FromMinutes(1)));
        Assert.Equal(1, table.Lookup(Key(1)));
        Assert.Equal(0, table.CountForGroup(4));
    }

    [Fact]
    public void Restore_OutOfOrder_ExpiresAndEvictsSoonestFirst()
    {
        var table = _clock.NewTable(maxEntries: 3);
        table.Restore(Key(30), 1, TimeSpan.FromMinutes(30));
        table.Restore(Key(10), 1, TimeSpan.FromMinutes(10));
        table.Restore(Key(20), 1, TimeSpan.FromMinutes(20));

        table.Assign(Key(99), 1);
        Assert.Null(table.Lookup(Key(10)));

        _clock.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(table.Lookup(Key(20)));
        Assert.Equal(1, table.Lookup(Key(30)));
    }

    [Fact]
    public void Restore_IdleEntriesInterleaved_KeepsReleaseOrder()
    {
        var table = _clock.NewTable(maxEntries: 3);
        table.Assign(Key(1), 1);
        table.Release(Key(1));
        _clock.Time.Advance(TimeSpan.FromMinutes(20));

        table.Restore(Key(2), 1, TimeSpan.FromMinutes(5));
        table.Restore(Key(3), 1, TimeSpan.FromMinutes(25));

        _clock.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(table.Lookup(Key(2)));
        Assert.Equal(1, table.Lookup(Key(1)));
        _clock.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(table.Lookup(Key(1)));
        Assert.Equal(1, table.Lookup(Key(3)));
    }

    [Fact]
    public void Restore_FullTable_DropsWhicheverIsLongestIdle()
    {
        var table = _clock.NewTable(maxEntries: 1);
        table.Restore(Key(1), 1, TimeSpan.FromMinutes(10));

        Assert.False(table.Restore(Key(2), 1, TimeSpan.FromMinutes(5)));
        Assert.True(table.Restore(Key(3), 1, TimeSpan.FromMinutes(15)));

        Assert.Equal(Key(3), Assert.Single(table.Snapshot()).Key);
    }

    [Fact]
    public void Restore_FullTableAllOpen_NotStored()
    {
        var table = _clock.NewTable(maxEntries: 1);
        table.Assign(Key(1), 1);

        Assert.False(table.Restore(Key(2), 1, TimeSpan.FromMinutes(5)));
    }
}
