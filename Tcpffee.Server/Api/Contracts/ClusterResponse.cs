namespace Tcpffee.Api.Contracts;

/// <summary>The proxy's place in its cluster.</summary>
public sealed record ClusterResponse(string Mode, int Peers, string? Role);
