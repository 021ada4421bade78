using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Api.Support;

/// <summary>One group of a test configuration: its id and its single backend.</summary>
internal sealed record TestGroup(int Id, IPEndPoint Backend)
{
    public bool Drain { get; init; }

    public bool Disabled { get; init; }

    /// <summary>Adds one TCP health check (every second, up after one pass) on the backend.</summary>
    public bool HealthCheck { get; init; }
}

/// <summary>Configurations for the API tests: built in code on port 0, or written as a file on a free port for reloads.</summary>
internal static class ApiTestConfig
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(1);

    /// <summary>One proxied port, configured as 0 (an ephemeral port), every group forwarding it to its own backend.</summary>
    public static TcpffeeConfig InCode(IEnumerable<TestGroup> groups, TimeSpan? expiration = null) => new()
    {
        SourcePath = "in-code test configuration",
        BindAddress = IPAddress.Loopback,
        Ports = [0],
        Expiration = expiration ?? TimeSpan.FromSeconds(60),
        ShutdownTimeout = ShutdownTimeout,
        Groups = [.. groups.OrderBy(g => g.Id).Select(g => new GroupConfig(
            g.Id,
            PortMapConfig.ForTable([new KeyValuePair<int, IPEndPoint>(0, g.Backend)]),
            g.Drain,
            g.Disabled,
            g.HealthCheck
                ? [new HealthCheckConfig(0, HealthCheckConfig.DefaultFall, FallAction.Draining, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), null, null)]
                : ImmutableArray<HealthCheckConfig>.Empty))],
    };

    /// <summary>The same as a TOML file: one proxied port <paramref name="port"/> on 127.0.0.1.</summary>
    public static string Toml(int port, IEnumerable<TestGroup> groups, int expirationSeconds = 60)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            bind_addr = "127.0.0.1"
            ports = [ {port} ]
            expiration = {expirationSeconds}
            shutdown_timeout = {ShutdownTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}
            """);
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
                text.AppendLine("""
                    [[groups.{{group.Id}}.healthchecks]]
                    interval = 1
                    timeout = 0.5
                    rise = 1
                    """.Replace("{{group.Id}}", group.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }
        }

        return text.ToString();
    }
}
