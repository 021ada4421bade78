using Tcpffee.Tests.Cluster.Support;

namespace Tcpffee.Tests.Cluster;

/// <summary>Three proxies, one stick table: a client reaches the same group whichever proxy it comes through.</summary>
[Collection(ClusterCollections.First)]
public sealed class ClusterRoutingTests(RunningCluster running) : IClassFixture<RunningCluster>
{
    [Fact]
    public async Task ClientsThroughDifferentProxies_GetTheSameGroup()
    {
        var cluster = running.Cluster;
        var first = new Dictionary<int, string>();
        for (var i = 0; i < 20; i++)
        {
            var source = cluster.NewClient();

            // Each client starts at a different proxy, then goes through the other two.
            var order = Enumerable.Range(0, 3).Select(k => cluster.Members[(i + k) % 3]).ToList();
            var reached = new List<string>();
            foreach (var member in order)
            {
                reached.Add(await member.AskAsync(source));
            }

            Assert.True(
                reached.Distinct().Count() == 1,
                $"client {TestCluster.KeyOf(source)} reached {string.Join(", ", order.Select((m, k) => $"{reached[k]} through {m.Name}"))}");
            first[source] = reached[0];
        }

        // Every replica holds the same assignments.
        await cluster.WaitReplicatedAsync(first);
    }

    [Fact]
    public async Task NewClientsRacingThroughAllProxies_EndInOneGroup()
    {
        var cluster = running.Cluster;
        var reachedBy = new Dictionary<int, string>();
        var split = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var source = cluster.NewClient();

            // The same new key at all three proxies at once: each proposes its own choice, the first commit wins.
            var reached = await Task.WhenAll(cluster.Members.Select(m => m.AskAsync(source)));
            if (reached.Distinct().Count() != 1)
            {
                split.Add($"{TestCluster.KeyOf(source)}: {string.Join(", ", cluster.Members.Select((m, k) => $"{reached[k]} through {m.Name}"))}");
            }

            reachedBy[source] = reached[0];
        }

        Assert.True(split.Count == 0, $"{split.Count} of 30 racing keys were split between groups:{Environment.NewLine}{string.Join(Environment.NewLine, split)}");
        await cluster.WaitReplicatedAsync(reachedBy);

        // And a later connection through any proxy follows the committed group.
        foreach (var (source, backend) in reachedBy)
        {
            foreach (var member in cluster.Members)
            {
                Assert.Equal(backend, await member.AskAsync(source));
            }
        }
    }
}
