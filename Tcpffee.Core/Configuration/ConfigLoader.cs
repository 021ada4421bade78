using System.Collections.Immutable;
using System.Net;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>
/// Reads a tcpffee TOML file into an immutable <see cref="TcpffeeConfig"/>.
/// Note this performs every validation step without short-circuiting, so that every mistake is reported at once.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>Loads and validates <paramref name="path"/>; throws <see cref="ConfigException"/> with every mistake.</summary>
    public static TcpffeeConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([ConfigError.Unplaced(path, $"cannot read the configuration file: {ex.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Validates <paramref name="text"/>, naming <paramref name="path"/> in messages; throws <see cref="ConfigException"/>.</summary>
    public static TcpffeeConfig Parse(string text, string path)
    {
        var errors = new List<ConfigError>();
        var config = TryParse(text, path, errors);
        if (config is not null && errors.Count == 0)
        {
            return config;
        }

        // Readers run concern by concern; the operator reads the file top to bottom.
        throw new ConfigException([.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    private static TcpffeeConfig? TryParse(string text, string path, List<ConfigError> errors)
    {
        if (TomlSource.Parse(text, path, errors) is not { } source)
        {
            return null;
        }

        var root = new TomlTableReader(source, source.Root, "", errors, (1, 1));
        var defaults = new TcpffeeConfig();
        var ports = ReadPorts(root);
        var portSet = ports.ToHashSet();

        var config = new TcpffeeConfig
        {
            SourcePath = path,
            BindAddress = ReadAddress(root, "bind_addr") ?? defaults.BindAddress,
            StatsBindSocket = ReadEndPoint(root, "stats_bind_socket") ?? defaults.StatsBindSocket,
            RaftSockets = new RaftSocketsConfig(
                ReadEndPoint(root, "raft_healthchecks_logs_bind_socket") ?? defaults.RaftSockets.HealthchecksLogs,
                ReadEndPoint(root, "raft_stick_table_logs_bind_socket") ?? defaults.RaftSockets.StickTableLogs,
                ReadEndPoint(root, "raft_healthchecks_proposals_bind_socket") ?? defaults.RaftSockets.HealthchecksProposals,
                ReadEndPoint(root, "raft_stick_table_proposals_bind_socket") ?? defaults.RaftSockets.StickTableProposals),
            Ports = [.. ports],
            Expiration = root.Seconds("expiration", DurationBounds.Expiration) ?? defaults.Expiration,
            ConnectTimeout = root.Seconds("connect_timeout", DurationBounds.Timeout) ?? defaults.ConnectTimeout,
            FirstMessageTimeout = root.Seconds("first_message_timeout", DurationBounds.Timeout) ?? defaults.FirstMessageTimeout,
            IdleTimeout = root.Seconds("idle_timeout", DurationBounds.OptionalTimeout) ?? defaults.IdleTimeout,
            Redispatch = root.Boolean("redispatch") ?? defaults.Redispatch,
            MaxConnections = root.Integer("max_connections", 1, int.MaxValue) ?? defaults.MaxConnections,
            MaxConnectionsPerClient = root.Integer("max_connections_per_client", 0, int.MaxValue) ?? defaults.MaxConnectionsPerClient,
            ShutdownTimeout = root.Seconds("shutdown_timeout", DurationBounds.OptionalTimeout) ?? defaults.ShutdownTimeout,
            StickTableMaxEntries = root.Integer("stick_table_max_entries", 1, int.MaxValue) ?? defaults.StickTableMaxEntries,
            Groups = GroupConfigReader.Read(root, portSet),
            Peers = PeerConfigReader.Read(root),
            AcceptProxy = root.Boolean("accept_proxy") ?? false,
            AcceptProxyFrom = ReadNetworks(root, "accept_proxy_from"),
        };

        root.ReportUnknownKeys();
        var warnings = UnusedKeysValidator.Warnings(source).Concat(PortmapLoopValidator.Warnings(source, config));
        return config with { Warnings = [.. warnings.OrderBy(w => w.Line).ThenBy(w => w.Column)] };
    }

    private static List<int> ReadPorts(TomlTableReader root)
    {
        var ports = new List<int>();
        if (root.Array("ports") is not { } items)
        {
            if (!root.Has("ports"))
            {
                root.ErrorAtKey("ports", "required key is missing: list the ports to listen on, e.g. ports = [ 5280 ]");
            }

            return ports;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not long port)
            {
                root.ErrorAtValue("ports", "expected a port number", i);
            }
            else if (port is < 1 or > 65535)
            {
                root.ErrorAtValue("ports", $"port must be between 1 and 65535, got {port}", i);
            }
            else if (ports.Contains((int)port))
            {
                root.ErrorAtValue("ports", $"port {port} is listed twice", i);
            }
            else
            {
                ports.Add((int)port);
            }
        }

        if (items.Count == 0)
        {
            root.ErrorAtValue("ports", "must list at least one port");
        }

        return ports;
    }

    private static ImmutableArray<IPNetwork> ReadNetworks(TomlTableReader root, string key)
    {
        var networks = ImmutableArray.CreateBuilder<IPNetwork>();
        var items = root.Array(key) ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not string text)
            {
                root.ErrorAtValue(key, "expected a network such as \"10.0.0.0/8\" or an address", i);
            }
            else if (TryParseNetwork(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                root.ErrorAtValue(key, $"'{text}' is not a network (CIDR such as \"10.0.0.0/8\" or \"2001:db8::/32\") or an address", i);
            }
        }

        return networks.ToImmutable();
    }

    private static bool TryParseNetwork(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            // A bare address is the network of that one address.
            if (!SocketAddress.TryParseAddress(text, out var address))
            {
                return false;
            }

            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return SocketAddress.TryParseAddress(text[..slash], out _) && IPNetwork.TryParse(text, out network);
    }

    private static IPAddress? ReadAddress(TomlTableReader root, string key)
    {
        if (root.String(key) is not { } text)
        {
            return null;
        }

        if (SocketAddress.TryParseAddress(text, out var address))
        {
            return address;
        }

        root.ErrorAtValue(key, $"'{text}' is not an IP address");
        return null;
    }

    private static IPEndPoint? ReadEndPoint(TomlTableReader root, string key)
    {
        if (root.String(key) is not { } text)
        {
            return null;
        }

        if (SocketAddress.TryParseEndPoint(text, out var endPoint))
        {
            return endPoint;
        }

        root.ErrorAtValue(key, $"'{text}' is not an \"ip:port\" socket address");
        return null;
    }
}
