using System.Collections.Immutable;
using System.Net.NetworkInformation;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>Reads the <c>[[peers]]</c> list: every proxy of the cluster, this one included.</summary>
internal static class PeerConfigReader
{
    public static ImmutableArray<PeerConfig> Read(TomlTableReader root)
    {
        var peers = ImmutableArray.CreateBuilder<PeerConfig>();
        var seen = new HashSet<PhysicalAddress>();
        foreach (var peer in root.TableArray("peers") ?? [])
        {
            var host = peer.String("host");
            var macText = peer.String("mac_address");
            if (host is not null && string.IsNullOrWhiteSpace(host))
            {
                peer.ErrorAtValue("host", "must not be empty");
                host = null;
            }

            PhysicalAddress? mac = null;
            if (macText is not null && !MacAddress.TryParse(macText, out mac))
            {
                peer.ErrorAtValue("mac_address", $"'{macText}' is not a MAC address (expected six hex pairs such as 00:1a:2b:3c:4d:5e)");
            }
            else if (mac is not null && !seen.Add(mac))
            {
                peer.ErrorAtValue("mac_address", $"MAC address {macText} is given to more than one peer");
                mac = null;
            }

            if (!peer.Has("host"))
            {
                peer.ErrorAtHeader("host", "required key is missing");
            }

            if (!peer.Has("mac_address"))
            {
                peer.ErrorAtHeader("mac_address", "required key is missing");
            }

            peer.ReportUnknownKeys();
            if (host is not null && mac is not null)
            {
                peers.Add(new PeerConfig(host, mac));
            }
        }

        return peers.ToImmutable();
    }
}
