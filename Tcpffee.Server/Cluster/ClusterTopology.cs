using System.Collections.Immutable;
using System.Net;
using System.Net.NetworkInformation;
using Tcpffee.Configuration;

namespace Tcpffee.Cluster;

/// <summary>Who the peers are, resolved once at start: membership is static and the same on every node.</summary>
internal sealed record ClusterTopology(int SelfIndex, ImmutableArray<ClusterPeer> Peers)
{
    public ClusterPeer Self => Peers[SelfIndex];

    /// <summary>Whether a connection from <paramref name="address"/> comes from one of the peers.</summary>
    public bool IsPeer(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var peer in Peers)
        {
            if (peer.Address.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds this node among the peers by <paramref name="nodeMac"/> or by the MACs of this machine's interfaces, and
    /// resolves every peer's host. Returns null for single-node mode (no peers, or only this one).
    /// </summary>
    /// <exception cref="InvalidOperationException">This machine is not among the peers, or a host does not resolve.</exception>
    public static ClusterTopology? Resolve(ImmutableArray<PeerConfig> peers, PhysicalAddress? nodeMac, IReadOnlyCollection<PhysicalAddress> localMacs)
    {
        if (peers.IsDefaultOrEmpty)
        {
            return null;
        }

        var candidates = nodeMac is null ? localMacs : [nodeMac];
        var self = peers.Select((p, i) => (p, i)).Where(x => candidates.Contains(x.p.MacAddress)).Select(x => x.i).DefaultIfEmpty(-1).First();
        if (self < 0)
        {
            var known = string.Join(", ", candidates.Select(MacAddress.Format));
            var source = nodeMac is null ? "this machine's interfaces have" : "TCPFFEE_NODE_MAC is";
            throw new InvalidOperationException(
                $"this node is not in [[peers]]: no peer's mac_address matches, and {source} {(known.Length == 0 ? "none" : known)}. " +
                "Add this node to [[peers]] or set TCPFFEE_NODE_MAC.");
        }

        if (peers.Length == 1)
        {
            return null;
        }

        var resolved = peers.Select((p, i) => new ClusterPeer(i, p.Host, ResolveHost(p.Host), p.MacAddress)).ToImmutableArray();
        return new ClusterTopology(self, resolved);
    }

    /// <summary>The MAC addresses of this machine's interfaces that have one.</summary>
    public static IReadOnlyCollection<PhysicalAddress> LocalMacs() =>
        [.. NetworkInterface.GetAllNetworkInterfaces()
            .Select(n => n.GetPhysicalAddress())
            .Where(m => m.GetAddressBytes().Length == 6 && m.GetAddressBytes().Any(b => b != 0))];

    private static IPAddress ResolveHost(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily).First();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new InvalidOperationException($"peer host '{host}' does not resolve: {ex.Message}", ex);
        }
    }
}
