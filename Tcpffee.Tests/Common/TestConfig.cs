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

    /// <summary><see cref="Base"/> with long stick expiration and the given groups, for tests that watch groups change state.</summary>
    public static TcpffeeConfig Proxy(params GroupConfig[] groups) =>
        Base with { Expiration = TimeSpan.FromMinutes(10), ShutdownTimeout = TimeSpan.FromSeconds(2), Groups = [.. groups.OrderBy(g => g.Id)] };

    public static GroupConfig Group(int id, PortMapConfig portmap, bool drain = false, bool disabled = false) =>
        new(id, portmap, drain, disabled, []);

    /// <summary>A group forwarding configured port 0 (an ephemeral listener) to <paramref name="backend"/>, with health checks.</summary>
    public static GroupConfig Group(int id, IPEndPoint backend, params HealthCheckConfig[] checks) =>
        new(id, Map((0, backend)), Drain: false, Disabled: false, [.. checks]);

    /// <summary>A TCP check; the defaults are those of the config file except where a test needs them short.</summary>
    public static HealthCheckConfig Tcp(
        int index = 0,
        int fall = HealthCheckConfig.DefaultFall,
        int rise = HealthCheckConfig.DefaultRise,
        FallAction action = FallAction.Draining,
        TimeSpan? interval = null,
        TimeSpan? timeout = null,
        int? port = null)
    {
        var every = interval ?? HealthCheckConfig.DefaultInterval;
        return new HealthCheckConfig(index, fall, action, rise, every, timeout ?? every / 2, null, port);
    }

    /// <summary>The HTTP part of a check.</summary>
    public static HttpCheckConfig Http(
        string target = HttpCheckConfig.DefaultTarget,
        HttpCheckMethod method = HttpCheckMethod.Get,
        string? body = null,
        int status = HttpCheckConfig.DefaultStatus,
        params (string Name, string Value)[] headers) =>
        new(target, [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], method, body, status);

    /// <summary>A portmap table: listening port → backend.</summary>
    public static PortMapConfig Map(params (int Port, IPEndPoint Backend)[] entries) =>
        PortMapConfig.ForTable(entries.Select(e => KeyValuePair.Create(e.Port, e.Backend)));
}
