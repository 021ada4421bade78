using System.Net;

namespace Tcpffee.Cluster;

/// <summary>One member of a Raft group as this node sees it.</summary>
internal sealed record RaftPeerStatus(IPEndPoint EndPoint, bool IsSelf, bool Reachable, bool IsLeader, DateTimeOffset? LastContact);
