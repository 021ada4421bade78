using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Health.Support;

/// <summary>Builds the configuration records the health tests need, in code.</summary>
internal static class HealthConfigs
{
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

    public static HttpCheckConfig Http(
        string target = HttpCheckConfig.DefaultTarget,
        HttpCheckMethod method = HttpCheckMethod.Get,
        string? body = null,
        int status = HttpCheckConfig.DefaultStatus,
        params (string Name, string Value)[] headers) =>
        new(target, [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], method, body, status);

    /// <summary>A group forwarding configured port 0 (an ephemeral listener) to <paramref name="backend"/>.</summary>
    public static GroupConfig Group(int id, IPEndPoint backend, params HealthCheckConfig[] checks) =>
        new(id, PortMapConfig.ForTable([new(0, backend)]), Drain: false, Disabled: false, [.. checks]);

    /// <summary>One listening port (0, so the listener takes a free one) on loopback, long stick expiration, the given groups.</summary>
    public static TcpffeeConfig Proxy(params GroupConfig[] groups) => new()
    {
        SourcePath = "health-tests (in code)",
        BindAddress = IPAddress.Loopback,
        StatsBindSocket = new IPEndPoint(IPAddress.Loopback, 0),
        Ports = [0],
        Expiration = TimeSpan.FromMinutes(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
        Groups = [.. groups.OrderBy(g => g.Id)],
    };
}
