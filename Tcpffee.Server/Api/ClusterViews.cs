using Tcpffee.Api.Contracts;
using Tcpffee.Cluster;
using Tcpffee.Configuration;

namespace Tcpffee.Api;

/// <summary>Builds the API's view of the cluster; <paramref name="node"/> is null on a single node.</summary>
internal sealed class ClusterViews(ClusterNode? node)
{
    public const string SingleNode = "single node";

    /// <summary>The summary's one-word answer: single node, or this proxy's role in the stick table group.</summary>
    public string Role() => node is null ? SingleNode
        : node.StickTable.IsIsolated || node.Health.IsIsolated ? "fallback"
        : node.StickGroup.IsLeader ? "leader"
        : "follower";

    public ClusterResponse Describe()
    {
        if (node is null)
        {
            return new ClusterResponse(SingleNode, null, false, [], []);
        }

        var seen = node.Groups.SelectMany(g => g.PeerStatuses()).ToLookup(p => p.EndPoint.Address);
        var peers = node.Topology.Peers.Select(p => new ClusterPeerResponse(
            p.Index,
            p.Host,
            p.Address.ToString(),
            MacAddress.Format(p.MacAddress),
            p.Index == node.Topology.SelfIndex,
            seen[p.Address].Any(s => s.Reachable),
            seen[p.Address].Max(s => s.LastContact))).ToList();
        var groups = new[]
        {
            Describe(node.HealthGroup, node.Health.IsIsolated),
            Describe(node.StickGroup, node.StickTable.IsIsolated),
        };
        return new ClusterResponse("cluster", node.Topology.SelfIndex, groups.Any(g => g.Fallback), peers, groups);
    }

    private static RaftGroupResponse Describe(RaftGroup group, bool fallback) =>
        new(group.Name, group.Leader?.ToString(), group.IsLeader, group.Term, group.CommitIndex, group.AppliedIndex, fallback);
}
