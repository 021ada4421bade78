using System.Net;

namespace Tcpffee.Configuration;

/// <summary>The four inter-proxy sockets: Raft traffic and leader proposals, for health and for the stick table.</summary>
internal sealed record RaftSocketsConfig(
    IPEndPoint HealthchecksLogs,
    IPEndPoint StickTableLogs,
    IPEndPoint HealthchecksProposals,
    IPEndPoint StickTableProposals);
