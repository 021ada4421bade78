using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Common;

/// <summary>Configurations built in code for in-process proxies: loopback only, port 0 wherever the port can be read back.</summary>
internal static class TestConfig
{
    /// <summary>One proxied port (0, so an ephemeral one), stats on an ephemeral port, a minute of expiration, short grace period.</summary>
    public static TcpffeeConfig Base { get; } = new()
    {
        SourcePath = "in-process test",
        BindAddress = IPAddress.Loopback,
        StatsBindSocket = new IPEndPoint(IPAddress.Loopback, 0),
        Ports = [0],
        Expiration = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary><see cref="Base"/> with group i forwarding port 0 to <paramref name="backends"/>[i].</summary>
    public static TcpffeeConfig OnePort(params IPEndPoint[] backends) =>
        Base with { Groups = [.. backends.Select((backend, id) => Group(id, Map((0, backend))))] };

    public static GroupConfig Group(int id, PortMapConfig portmap, bool drain = false, bool disabled = false) =>
        new(id, portmap, drain, disabled, []);

    /// <summary>A portmap table: listening port → backend.</summary>
    public static PortMapConfig Map(params (int Port, IPEndPoint Backend)[] entries) =>
        PortMapConfig.ForTable(entries.Select(e => KeyValuePair.Create(e.Port, e.Backend)));
}
