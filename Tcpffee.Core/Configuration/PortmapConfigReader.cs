using System.Globalization;
using System.Net;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>Reads a group's <c>portmap</c>: a string IP, or a table of listening port → "ip:port".</summary>
internal static class PortmapConfigReader
{
    public static PortmapConfig? Read(TomlTableReader group, IReadOnlySet<int> ports)
    {
        if (!group.Has("portmap"))
        {
            group.ErrorAtHeader("portmap", "required key is missing");
            return null;
        }

        switch (group.Raw["portmap"])
        {
            case string host:
                if (SocketAddress.TryParseAddress(host, out var address))
                {
                    return PortmapConfig.ForHost(address);
                }

                group.ErrorAtValue("portmap", $"'{host}' is not an IP address");
                return null;

            case Tomlyn.Model.TomlTable:
                return ReadTable(group.Table("portmap")!, ports);

            default:
                group.ErrorAtValue("portmap", "expected an IP address string or a table of port = \"ip:port\"");
                return null;
        }
    }

    private static PortmapConfig? ReadTable(TomlTableReader table, IReadOnlySet<int> ports)
    {
        var map = new Dictionary<int, IPEndPoint>();
        var valid = true;
        foreach (var key in table.Keys.ToList())
        {
            var text = table.String(key);
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
                || port.ToString(CultureInfo.InvariantCulture) != key)
            {
                table.ErrorAtKey(key, "portmap key must be a port number between 1 and 65535, without leading zeros");
                valid = false;
                continue;
            }

            if (!ports.Contains(port))
            {
                table.ErrorAtKey(key, $"port {port} is not in `ports`");
                valid = false;
            }

            if (text is null)
            {
                valid = false;
            }
            else if (!SocketAddress.TryParseEndPoint(text, out var endPoint))
            {
                table.ErrorAtValue(key, $"'{text}' is not an \"ip:port\" address");
                valid = false;
            }
            else
            {
                map[port] = endPoint;
            }
        }

        if (valid && map.Count == 0)
        {
            table.ErrorAtTable("must map at least one port (a group that serves no port takes no clients)");
            valid = false;
        }

        return valid ? PortmapConfig.ForTable(map) : null;
    }
}
