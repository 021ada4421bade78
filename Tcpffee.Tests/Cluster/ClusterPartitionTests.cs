using System.Collections.Immutable;
using Tcpffee.Routing;
using Tcpffee.StickTable;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Routing;

namespace Tcpffee.Tests.Cluster;

/// <summary>One proxy cut off from the other two (SIGSTOP) keeps serving on its own, and agrees with them once they are back.</summary>
[Collection(ClusterCollections.First)]
public sealed class ClusterPartitionTests
{
    private const string FallbackDecisions = "tcpffee_raft_fallback_decisions_total";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MinorityNode_KeepsServingInFallback_ThenConvergesWhenTheMajorityIsBack(bool aloneIsLeader)
    {
        // Every routing decision in the logs, for the failure messages.
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { Log = "info,Tcpffee.Proxy=debug" });
        var known = await cluster.ConnectNewClientsAsync(10);
        await cluster.WaitReplicatedAsync(known);

        // Left alone, the leader has to notice by itself that it no longer has a majority; a follower loses its leader.
        var leader = await cluster.StickLeaderAsync();
        var alone = aloneIsLeader ? leader : cluster.Except(leader)[0];
        var paused = cluster.Except(alone);
        var decisionsBefore = await alone.RaftCounterAsync(FallbackDecisions, RaftGroupStatus.StickTableName);
        foreach (var member in paused)
        {
            await member.PauseAsync();
        }

        try
        {
            foreach (var (source, backend) in known)
            {
                var now = await alone.AskAsync(source);
                Assert.True(now == backend, $"known client {TestCluster.KeyOf(source)} went to {backend}, during the partition to {now}{Environment.NewLine}{alone.Tail(80)}");
            }

            var partitioned = new Dictionary<int, string>();
            for (var i = 0; i < 10; i++)
            {
                var source = cluster.NewClient();
                var backend = await alone.AskAsync(source);
                var expected = TestCluster.BackendName(RendezvousGroup(source, cluster.Backends.Count));
                Assert.True(
                    backend == expected,
                    $"new client {TestCluster.KeyOf(source)} during the partition went to {backend}; the rendezvous hash says {expected}{Environment.NewLine}{alone.Tail(80)}");
                partitioned[source] = backend;
            }

            await alone.WaitFallbackAsync(true, TimeSpan.FromSeconds(10));
            Assert.Equal("fallback", await alone.ClusterRoleAsync());

            var decisions = await alone.RaftCounterAsync(FallbackDecisions, RaftGroupStatus.StickTableName);
            Assert.True(
                decisions >= decisionsBefore + partitioned.Count,
                $"{FallbackDecisions}{{raft_group=\"stick_table\"}} went from {decisionsBefore} to {decisions} over {partitioned.Count} clients assigned in fallback");

            foreach (var member in paused)
            {
                await member.ResumeAsync();
            }

            await alone.WaitFallbackAsync(false, TimeSpan.FromSeconds(10));
            await cluster.WaitFormedAsync();

            // Everyone routed during the partition ends in one group through all three proxies.
            await cluster.WaitOneGroupEverywhereAsync(partitioned.Keys, "routed during the partition");

            // Clients known before the partition never moved.
            foreach (var (source, backend) in known)
            {
                foreach (var member in cluster.Members)
                {
                    var now = await member.AskAsync(source);
                    Assert.True(now == backend, $"known client {TestCluster.KeyOf(source)} went to {backend}, after the partition to {now} through {member.Name}");
                }
            }
        }
        finally
        {
            // A failed assertion must not leave paused processes behind the kill on dispose (SIGKILL works on them anyway).
            foreach (var member in paused.Where(m => m.IsRunning))
            {
                await member.ResumeAsync();
            }
        }
    }

    /// <summary>The group the rendezvous hash gives client 127.0.0.<paramref name="source"/> when all <paramref name="groups"/> groups are up.</summary>
    private static int RendezvousGroup(int source, int groups)
    {
        var routes = Enumerable.Range(0, groups).Select(g => RouteBuilder.Route(g)).ToImmutableArray();
        return GroupSelector.Rendezvous(routes, StickKey.FromAddress(TestClient.Source(source)), excluded: null)!.GroupId;
    }
}
