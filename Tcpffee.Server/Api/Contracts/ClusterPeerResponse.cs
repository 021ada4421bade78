namespace Tcpffee.Api.Contracts;

/// <summary>One peer as this proxy sees it.</summary>
/// <param name="Index">Its position in <c>[[peers]]</c>.</param>
/// <param name="Host">Its <c>host</c> as configured.</param>
/// <param name="Address">The address the host resolved to at start.</param>
/// <param name="MacAddress">Its <c>mac_address</c>.</param>
/// <param name="Self">Whether this is the proxy answering.</param>
/// <param name="Reachable">Whether its Raft sockets answer now (always true for itself).</param>
/// <param name="LastContact">When it last answered, as far as this proxy has seen; null if never.</param>
public sealed record ClusterPeerResponse(int Index, string Host, string Address, string MacAddress, bool Self, bool Reachable, DateTimeOffset? LastContact);
