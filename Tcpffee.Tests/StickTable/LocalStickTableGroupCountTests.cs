using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests that per-group counters follow every way an entry comes and goes.</summary>
public sealed class LocalStickTableGroupCountTests
{
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void CountForGroup_AfterAssign_CountsEntriesNotConnections()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Assign(Key(3), 2);

        Assert.Equal(2, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
        Assert.Equal(0, table.CountForGroup(3));
    }

    [Fact]
    public void CountForGroup_AfterReassign_MovesTheEntry()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);

        table.Assign(Key(1), 2, replacing: 1);

        Assert.Equal(1, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
    }

    [Fact]
    public void CountForGroup_AfterExpirySweep_Decrements()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));
        _clock.Time.Advance(StickTableTestClock.Expiration);

        Assert.Equal(1, table.SweepExpired());

        Assert.Equal(1, table.CountForGroup(1));
    }

    [Fact]
    public void CountForGroup_AfterEviction_Decrements()
    {
        var table = _clock.NewTable(maxEntries: 2);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));

        table.Assign(Key(3), 2);

        Assert.Equal(1, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
    }

    [Fact]
    public void CountForGroup_AfterForget_Decrements()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));

        table.Forget(Key(1));

        Assert.Equal(1, table.CountForGroup(1));
    }

    [Fact]
    public void CountForGroup_AfterReassign_MovesBetweenGroups()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(2));
        table.Assign(Key(3), 2);

        table.Assign(Key(2), 2, replacing: 1);

        Assert.Equal(1, table.CountForGroup(1));
        Assert.Equal(2, table.CountForGroup(2));
        Assert.Equal([Key(2), Key(3)], table.Page(2, 0, 10).Entries.Select(e => e.Key));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void CountForGroup_AfterConfigureShrink_Decrements()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 2);
        table.Release(Key(1));

        table.Configure(StickTableTestClock.Expiration, 1);

        Assert.Equal(0, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
    }
}
