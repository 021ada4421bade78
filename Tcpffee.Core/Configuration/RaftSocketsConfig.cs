using System.Net;

namespace Tcpffee.Configuration;

/// <summary>
/// The inter-proxy sockets of the health and stick table Raft groups. Only the logs sockets are opened: they carry
/// the Raft traffic and the commands sent to the leader. The proposals sockets are still read and checked, so that
/// files of earlier releases load, but nothing listens on them.
/// </summary>
internal sealed record RaftSocketsConfig(
    IPEndPoint HealthchecksLogs,
    IPEndPoint StickTableLogs,
    IPEndPoint HealthchecksProposals,
    IPEndPoint StickTableProposals);
