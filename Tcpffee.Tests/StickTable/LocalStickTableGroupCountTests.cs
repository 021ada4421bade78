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
    public void CountForGroup_AfterRemove_Decrements()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);

        table.Remove(Key(1));

        Assert.Equal(1, table.CountForGroup(1));
    }

    [Fact]
    public void RemoveGroup_MixedGroups_RemovesOnlyThatGroup()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(2));
        table.Assign(Key(3), 2);

        Assert.Equal(2, table.RemoveGroup(1));

        Assert.Equal(0, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
        Assert.Equal(1, table.Count);
        Assert.Equal(0, table.RemoveGroup(1));
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
