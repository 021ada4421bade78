using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for the entry bound: eviction of the longest idle entry and NotStored.</summary>
public sealed class LocalStickTableBoundTests
{
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Assign_FullTable_EvictsLongestIdleEntry()
    {
        var table = _clock.NewTable(maxEntries: 3);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Assign(Key(3), 1);
        table.Release(Key(2));
        _clock.Time.Advance(TimeSpan.FromSeconds(1));
        table.Release(Key(1));

        var result = table.Assign(Key(4), 2);

        Assert.Equal(StickAssignmentStatus.Assigned, result.Status);
        Assert.Null(table.Lookup(Key(2)));
        Assert.Equal(1, table.Lookup(Key(1)));
        Assert.Equal(1, table.Lookup(Key(3)));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Assign_FullTable_PrefersReleasedLongAgoOverRecentlyReopened()
    {
        var table = _clock.NewTable(maxEntries: 2);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));
        table.Release(Key(2));
        table.OpenExisting(Key(1));
        table.Release(Key(1));

        table.Assign(Key(3), 1);

        Assert.Null(table.Lookup(Key(2)));
        Assert.Equal(1, table.Lookup(Key(1)));
    }

    [Fact]
    public void Assign_FullTableAllOpen_NotStoredAndNothingEvicted()
    {
        var table = _clock.NewTable(maxEntries: 2);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);

        var result = table.Assign(Key(3), 5);

        Assert.Equal(new StickAssignment(5, StickAssignmentStatus.NotStored), result);
        Assert.Null(table.Lookup(Key(3)));
        Assert.Equal(2, table.Count);
        Assert.Equal(0, table.CountForGroup(5));
        Assert.Equal(1, table.Lookup(Key(1)));
        Assert.Equal(1, table.Lookup(Key(2)));
    }

    [Fact]
    public void Assign_FullTableAfterAnEntryCloses_StoresAgain()
    {
        var table = _clock.NewTable(maxEntries: 2);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        Assert.Equal(StickAssignmentStatus.NotStored, table.Assign(Key(3), 1).Status);

        table.Release(Key(2));

        Assert.Equal(StickAssignmentStatus.Assigned, table.Assign(Key(3), 1).Status);
        Assert.Null(table.Lookup(Key(2)));
    }

    [Fact]
    public void Assign_ExistingKeyInFullTable_DoesNotEvict()
    {
        var table = _clock.NewTable(maxEntries: 2);
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 1);
        table.Release(Key(1));

        Assert.Equal(StickAssignmentStatus.Existing, table.Assign(Key(2), 3).Status);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Configure_ShrinkMaxEntries_EvictsLongestIdleDownToBound()
    {
        var table = _clock.NewTable(maxEntries: 10);
        for (int i = 1; i <= 5; i++)
        {
            table.Assign(Key(i), 1);
        }

        foreach (int i in new[] { 3, 1, 5 })
        {
            table.Release(Key(i));
            _clock.Time.Advance(TimeSpan.FromSeconds(1));
        }

        table.Configure(StickTableTestClock.Expiration, 3);

        Assert.Equal(3, table.Count);
        Assert.Null(table.Lookup(Key(3)));
        Assert.Null(table.Lookup(Key(1)));
        Assert.Equal(1, table.Lookup(Key(5)));
    }

    [Fact]
    public void Configure_ShrinkBelowOpenEntries_KeepsOpenEntriesAndTrimsOnRelease()
    {
        var table = _clock.NewTable(maxEntries: 10);
        for (int i = 1; i <= 4; i++)
        {
            table.Assign(Key(i), 1);
        }

        table.Release(Key(4));

        table.Configure(StickTableTestClock.Expiration, 2);
        Assert.Equal(3, table.Count);
        Assert.Null(table.Lookup(Key(4)));
        Assert.Equal(StickAssignmentStatus.NotStored, table.Assign(Key(5), 1).Status);

        table.Release(Key(1));
        Assert.Equal(2, table.Count);
        Assert.Null(table.Lookup(Key(1)));
    }

    [Fact]
    public void Configure_GrowMaxEntries_AllowsMoreEntries()
    {
        var table = _clock.NewTable(maxEntries: 1);
        table.Assign(Key(1), 1);
        Assert.Equal(StickAssignmentStatus.NotStored, table.Assign(Key(2), 1).Status);

        table.Configure(StickTableTestClock.Expiration, 2);

        Assert.Equal(StickAssignmentStatus.Assigned, table.Assign(Key(2), 1).Status);
        Assert.Equal(2, table.MaxEntries);
    }
}
