using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Smoke test of the table under concurrent use.</summary>
public sealed class LocalStickTableConcurrencyTests
{
    [Fact]
    public void AssignRelease_ManyThreadsOnSharedKeys_LeavesEveryEntryIdleAndCountersConsistent()
    {
        var clock = new StickTableTestClock();
        var table = clock.NewTable(maxEntries: 200);

        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                var key = Key((i * 7 + worker) % 300);
                if (table.Assign(key, i % 4).Status != StickAssignmentStatus.NotStored)
                {
                    table.Release(key);
                }
            }
        });

        var snapshot = table.Snapshot();
        Assert.All(snapshot, entry => Assert.Equal(0, entry.OpenConnections));
        Assert.InRange(snapshot.Count, 1, 200);
        Assert.Equal(snapshot.Count, Enumerable.Range(0, 4).Sum(table.CountForGroup));
    }
}
