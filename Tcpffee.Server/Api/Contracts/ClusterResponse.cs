namespace Tcpffee.Api.Contracts;

/// <summary>The proxy's place in its cluster: itself, every peer as it sees them, and each Raft group.</summary>
/// <param name="Mode"><c>single node</c> or <c>cluster</c>.</param>
/// <param name="NodeIndex">This proxy's position in <c>[[peers]]</c>; null on a single node.</param>
/// <param name="Fallback">Whether this proxy is cut off from the majority and decides on its own (rendezvous hash for new clients, its own checks for health).</param>
/// <param name="Peers">Every peer, this one included.</param>
/// <param name="RaftGroups">The health and stick table Raft groups.</param>
public sealed record ClusterResponse(
    string Mode,
    int? NodeIndex,
    bool Fallback,
    IReadOnlyList<ClusterPeerResponse> Peers,
    IReadOnlyList<RaftGroupResponse> RaftGroups);
