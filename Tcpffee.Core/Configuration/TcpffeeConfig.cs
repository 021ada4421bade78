using System.Collections.Immutable;
using System.Net;

namespace Tcpffee.Configuration;

/// <summary>The whole configuration file, validated and immutable; a reload builds a new one and swaps it whole.</summary>
internal sealed record TcpffeeConfig
{
    public static readonly IPAddress DefaultBindAddress = IPAddress.Any;
    public static readonly IPEndPoint DefaultStatsBindSocket = new(IPAddress.Loopback, 2340);
    public static readonly RaftSocketsConfig DefaultRaftSockets = new(
        new IPEndPoint(IPAddress.Loopback, 2341),
        new IPEndPoint(IPAddress.Loopback, 2342),
        new IPEndPoint(IPAddress.Loopback, 2343),
        new IPEndPoint(IPAddress.Loopback, 2344));

    public static readonly TimeSpan DefaultExpiration = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultFirstMessageTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);
    public const int DefaultMaxConnections = 100_000;
    public const int DefaultStickTableMaxEntries = 1_000_000;

    /// <summary>The file this was read from, for messages.</summary>
    public string SourcePath { get; init; } = "";

    public IPAddress BindAddress { get; init; } = DefaultBindAddress;
    public IPEndPoint StatsBindSocket { get; init; } = DefaultStatsBindSocket;
    public RaftSocketsConfig RaftSockets { get; init; } = DefaultRaftSockets;
    public ImmutableArray<int> Ports { get; init; } = [];
    public TimeSpan Expiration { get; init; } = DefaultExpiration;
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;
    public TimeSpan FirstMessageTimeout { get; init; } = DefaultFirstMessageTimeout;

    /// <summary>How long a connection may carry no bytes either way; <see cref="TimeSpan.Zero"/> means no limit.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Whether a known key whose backend cannot be reached moves to another group, as HAProxy's <c>option redispatch</c>.</summary>
    public bool Redispatch { get; init; } = true;

    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>Connections open at once from one client address (after a PROXY header, the address it names); 0 means no limit.</summary>
    public int MaxConnectionsPerClient { get; init; }

    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;
    public int StickTableMaxEntries { get; init; } = DefaultStickTableMaxEntries;

    /// <summary>Groups ordered by id.</summary>
    public ImmutableArray<GroupConfig> Groups { get; init; } = [];

    public ImmutableArray<PeerConfig> Peers { get; init; } = [];

    /// <summary>Whether every proxied port expects a PROXY protocol header (v1 or v2) from its clients.</summary>
    public bool AcceptProxy { get; init; }

    /// <summary>The networks PROXY headers are accepted from; empty means anywhere.</summary>
    public ImmutableArray<IPNetwork> AcceptProxyFrom { get; init; } = [];

    /// <summary>Things that load but are probably mistakes, located like errors; printed by check-config and logged at start and reload.</summary>
    public ImmutableArray<ConfigError> Warnings { get; init; } = [];
}
