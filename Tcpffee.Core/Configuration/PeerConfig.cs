using System.Net.NetworkInformation;

namespace Tcpffee.Configuration;

/// <summary>One <c>[[peers]]</c> entry: another proxy of the cluster (or this one), identified by a MAC address.</summary>
internal sealed record PeerConfig(string Host, PhysicalAddress MacAddress);
