using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The one config builder of the tests: configurations built in code for in-process proxies (loopback only, port 0
/// wherever the port can be read back), and the same as TOML files for reloads and child processes.
/// </summary>
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

    public static GroupConfig Group(int id, PortmapConfig portmap, bool drain = false, bool disabled = false) =>
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
    public static PortmapConfig Map(params (int Port, IPEndPoint Backend)[] entries) =>
        PortmapConfig.ForTable(entries.Select(e => KeyValuePair.Create(e.Port, e.Backend)));

    /// <summary>The grace period of <see cref="ForGroups"/> and <see cref="Toml"/>: short, since tests stop hosts often.</summary>
    public static readonly TimeSpan ShortShutdownTimeout = TimeSpan.FromSeconds(1);

    /// <summary>One proxied port, configured as 0 (an ephemeral port), every group forwarding it to its own backend.</summary>
    public static TcpffeeConfig ForGroups(IEnumerable<TestGroup> groups, TimeSpan? expiration = null) => new()
    {
        SourcePath = "in-code test configuration",
        BindAddress = IPAddress.Loopback,
        Ports = [0],
        Expiration = expiration ?? TimeSpan.FromSeconds(60),
        ShutdownTimeout = ShortShutdownTimeout,
        Groups = [.. groups.OrderBy(g => g.Id).Select(g => new GroupConfig(
            g.Id,
            Map((0, g.Backend)),
            g.Drain,
            g.Disabled,
            g.HealthCheck
                ? [new HealthCheckConfig(0, HealthCheckConfig.DefaultFall, FallAction.Draining, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), null, null)]
                : ImmutableArray<HealthCheckConfig>.Empty))],
    };

    /// <summary>
    /// The top-level keys of a TOML configuration: loopback only, the stats endpoint on <paramref name="statsPort"/> when
    /// given, <paramref name="expirationSeconds"/> of stick expiration (an hour by default, so entries outlive the test)
    /// and <paramref name="shutdownTimeout"/> when given. Ends with a blank line, so keys or tables can follow.
    /// </summary>
    public static string TomlHeader(int? statsPort = null, int expirationSeconds = 3600, TimeSpan? shutdownTimeout = null)
    {
        var text = new StringBuilder();
        text.Append("bind_addr = \"127.0.0.1\"\n");
        if (statsPort is { } stats)
        {
            text.Append(CultureInfo.InvariantCulture, $"stats_bind_socket = \"127.0.0.1:{stats}\"\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"expiration = {expirationSeconds}\n");
        if (shutdownTimeout is { } shutdown)
        {
            text.Append(CultureInfo.InvariantCulture, $"shutdown_timeout = {shutdown.TotalSeconds.ToString(CultureInfo.InvariantCulture)}\n");
        }

        return text.Append('\n').ToString();
    }

    /// <summary><see cref="ForGroups"/> as a TOML file: one proxied port <paramref name="port"/> on 127.0.0.1.</summary>
    public static string Toml(int port, IEnumerable<TestGroup> groups, int expirationSeconds = 60)
    {
        var text = new StringBuilder(TomlHeader(expirationSeconds: expirationSeconds, shutdownTimeout: ShortShutdownTimeout));
        text.Append(CultureInfo.InvariantCulture, $"ports = [ {port} ]\n");
        foreach (var group in groups.OrderBy(g => g.Id))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $$"""

                [groups.{{group.Id}}]
                portmap = { {{port}} = "{{group.Backend}}" }
                drain = {{(group.Drain ? "true" : "false")}}
                disabled = {{(group.Disabled ? "true" : "false")}}
                """);
            if (group.HealthCheck)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $$"""
                    [[groups.{{group.Id}}.healthchecks]]
                    interval = 1
                    timeout = 0.5
                    rise = 1
                    """);
            }
        }

        return text.ToString();
    }
}
