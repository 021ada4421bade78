using Tcpffee.Tests.Cluster.Support;

namespace Tcpffee.Tests.Cluster;

/// <summary>A client whose group's backend died is moved, through the stick table's Raft group, to a group that answers.</summary>
[Collection(ClusterCollections.Second)]
public sealed class ClusterRedispatchTests
{
    [Fact]
    public async Task KnownClientWhoseBackendDied_ServedByAnotherGroup_AndEveryReplicaHoldsTheMove()
    {
        await using var cluster = await TestCluster.StartAsync();
        var source = cluster.NewClient();
        var first = await cluster.Members[0].AskAsync(source);
        await cluster.WaitReplicatedAsync(new Dictionary<int, string> { [source] = first });

        await cluster.Backends[TestCluster.GroupOf(first)].DisposeAsync();

        // Through another proxy than the one that assigned it: the move is committed, not a local decision.
        var moved = await cluster.Members[1].AskAsync(source);
        Assert.NotEqual(first, moved);
        await cluster.WaitReplicatedAsync(new Dictionary<int, string> { [source] = moved });
        foreach (var member in cluster.Members)
        {
            Assert.Equal(moved, await member.AskAsync(source));
        }
    }
}
