using System.Net;
using System.Net.NetworkInformation;

namespace Tcpffee.Cluster;

/// <summary>One proxy of the cluster: its position in <c>[[peers]]</c>, its host and the address it resolved to.</summary>
internal sealed record ClusterPeer(int Index, string Host, IPAddress Address, PhysicalAddress MacAddress)
{
    public IPEndPoint On(int port) => new(Address, port);
}
