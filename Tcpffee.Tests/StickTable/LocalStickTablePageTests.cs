using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>The admin port's view of a local table: one entry by key, and pages in key order, overall or by group.</summary>
public sealed class LocalStickTablePageTests
{
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Page_MixedGroups_KeyOrderWithTotals()
    {
        var table = _clock.NewTable();
        foreach (int n in new[] { 7, 3, 9, 1, 5 })
        {
            table.Assign(Key(n), n % 3);
        }

        var first = table.Page(null, 0, 2);
        var rest = table.Page(null, 2, 10);
        var groupOne = table.Page(1, 0, 10);

        Assert.Equal(5, first.Total);
        Assert.Equal([Key(1), Key(3)], first.Entries.Select(e => e.Key));
        Assert.Equal([Key(5), Key(7), Key(9)], rest.Entries.Select(e => e.Key));
        Assert.Equal(2, groupOne.Total);
        Assert.Equal([Key(1), Key(7)], groupOne.Entries.Select(e => e.Key));
        Assert.Empty(table.Page(2, 5, 10).Entries);
        Assert.Equal(0, table.Page(42, 0, 10).Total);
    }

    [Fact]
    public void Page_AfterExpiryEvictionAndForget_OnlyAliveEntries()
    {
        var table = _clock.NewTable(maxEntries: 3);
        for (int n = 1; n <= 4; n++)
        {
            table.Assign(Key(n), 1);
            table.Release(Key(n));
        }

        table.Forget(Key(3));
        var page = table.Page(1, 0, 10);

        Assert.Equal([Key(2), Key(4)], page.Entries.Select(e => e.Key));
        Assert.Equal(2, page.Total);
        _clock.Time.Advance(StickTableTestClock.Expiration);
        Assert.Equal(0, table.Page(null, 0, 10).Total);
        Assert.Empty(table.Page(1, 0, 10).Entries);
    }

    [Fact]
    public void Find_OpenAndIdleEntries_DescribesEach()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 4);
        table.Assign(Key(2), 5);
        table.Release(Key(2));

        var open = table.Find(Key(1));
        var idle = table.Find(Key(2));

        Assert.Equal(new StickEntrySnapshot(Key(1), 4, 1, null), open);
        Assert.Equal(5, idle?.GroupId);
        Assert.Equal(_clock.Time.GetUtcNow() + StickTableTestClock.Expiration, idle?.ExpiresAt);
        Assert.Null(table.Find(Key(3)));
    }

    [Fact]
    public async Task Lease_DisposedTwice_ReleasesOnce()
    {
        var table = _clock.NewTable();
        var first = (await table.AssignAsync(Key(1), 2)).Lease!;
        var second = table.TryOpen(Key(1))!;
        first.Connected();

        first.Dispose();
        first.Dispose();

        Assert.Equal(1, table.Find(Key(1))?.OpenConnections);
        second.Dispose();
        Assert.Equal(0, table.Find(Key(1))?.OpenConnections);
        Assert.Null(table.TryOpen(Key(9)));
    }
}
