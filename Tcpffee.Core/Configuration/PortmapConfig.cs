using System.Collections.Immutable;
using System.Net;

namespace Tcpffee.Configuration;

/// <summary>Where a group forwards each listening port: one host for every port, or an explicit port → endpoint table.</summary>
internal sealed record PortmapConfig
{
    private PortmapConfig(IPAddress? host, ImmutableSortedDictionary<int, IPEndPoint> ports)
    {
        Host = host;
        Ports = ports;
    }

    /// <summary>The single backend host, forwarded to on the listening port; null for a table.</summary>
    public IPAddress? Host { get; }

    /// <summary>The explicit table; empty when <see cref="Host"/> is set.</summary>
    public ImmutableSortedDictionary<int, IPEndPoint> Ports { get; }

    public static PortmapConfig ForHost(IPAddress host) => new(host, ImmutableSortedDictionary<int, IPEndPoint>.Empty);

    public static PortmapConfig ForTable(IEnumerable<KeyValuePair<int, IPEndPoint>> ports) =>
        new(null, ports.ToImmutableSortedDictionary());

    /// <summary>Whether the group serves <paramref name="port"/> at all.</summary>
    public bool Covers(int port) => Host is not null || Ports.ContainsKey(port);

    /// <summary>The backend for a connection that arrived on <paramref name="port"/>, or null if the group does not serve it.</summary>
    public IPEndPoint? Resolve(int port) =>
        Host is not null ? new IPEndPoint(Host, port) : Ports.GetValueOrDefault(port);

    public bool Equals(PortmapConfig? other) =>
        other is not null && Equals(Host, other.Host) && Ports.Count == other.Ports.Count
        && Ports.All(p => other.Ports.TryGetValue(p.Key, out var ep) && ep.Equals(p.Value));

    public override int GetHashCode() => HashCode.Combine(Host, Ports.Count);
}
