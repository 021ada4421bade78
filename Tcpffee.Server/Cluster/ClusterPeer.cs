using System.Net;
using System.Net.NetworkInformation;

namespace Tcpffee.Cluster;

/// <summary>One proxy of the cluster: its position in <c>[[peers]]</c>, its host and the address it resolved to.</summary>
internal sealed record ClusterPeer(int Index, string Host, IPAddress Address, PhysicalAddress MacAddress)
{
    public IPEndPoint On(int port) => new(Address, port);

    /// <summary>
    /// Its member URI in a Raft group whose logs socket is on <paramref name="port"/>. dotNext compares members by URI
    /// equality, so every proxy must build the same text: the resolved address, never the host name as written.
    /// </summary>
    public Uri RaftUri(int port) => new UriBuilder(Uri.UriSchemeHttp, Address.ToString(), port).Uri;
}
