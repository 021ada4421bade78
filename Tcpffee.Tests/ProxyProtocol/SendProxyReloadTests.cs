using System.Buffers;
using System.Globalization;
using System.Net;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>A reload that changes a group's <c>send_proxy</c> version changes what its new connections and its probes send.</summary>
public sealed class SendProxyReloadTests
{
    /// <summary>A TCP check every 0.5 s with send_proxy_checks; the file below writes the same check.</summary>
    private static readonly HealthCheckConfig Check =
        new(0, HealthCheckConfig.DefaultFall, FallAction.Draining, HealthCheckConfig.DefaultRise, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.25), null, null)
        {
            SendProxyChecks = true,
        };

    private static string Toml(ProxyHost proxy, RecordingBackend backend, string version) => string.Create(CultureInfo.InvariantCulture, $$"""
        bind_addr = "127.0.0.1"
        stats_bind_socket = "{{proxy.StatsEndPoint}}"
        ports = [ {{proxy.Port}} ]
        expiration = 60
        shutdown_timeout = 0

        [groups.0]
        portmap = { {{proxy.Port}} = "{{backend.EndPoint}}" }
        send_proxy = "{{version}}"

        [[groups.0.healthchecks]]
        interval = 0.5
        send_proxy_checks = true

        """);

    [Fact]
    public async Task Reload_SendProxyV1ToV2_NewClientConnectionsGetV2()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint) with { SendProxy = ProxyProtocolVersion.V1 }));

        await proxy.ReloadAsync(Toml(proxy, backend, "v2"));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.21"));
        await client.SendAsync("x");
        client.ShutdownSend();

        var received = await Eventually.UntilAsync(
            () => backend.Connections.FirstOrDefault(c => Parse(c.Received).Header?.Source?.Equals(client.LocalEndPoint) == true),
            c => c is not null,
            "the client's connection at the backend");
        Assert.Equal(HeaderBytes.Concat(HeaderBytes.V2(client.LocalEndPoint, proxy.EndPoint), HeaderBytes.Ascii("x")), await received!.WaitForAllReceivedAsync());
    }

    [Fact]
    public async Task Reload_SendProxyV1ToV2_ProbesSendV2()
    {
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint, Check) with { SendProxy = ProxyProtocolVersion.V1 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));

        // A v1 probe first, so the check is running before the reload.
        await Eventually.UntilAsync(() => backend.Connections.Any(c => Parse(c.Received).Version == 1), found => found, "a v1 probe");
        await proxy.ReloadAsync(Toml(proxy, backend, "v2"));
        var before = backend.Connections.Count;

        // Probes accepted after the reload; the first may have been on its way already, the second is surely a new one.
        var versions = await Eventually.UntilAsync(
            () => backend.Connections.Skip(before).Select(c => Parse(c.Received).Version).Where(v => v != 0).ToList(),
            v => v.Count >= 2,
            "two probes with a header after the reload",
            describe: v => string.Join(", ", v));
        Assert.Equal(2, versions[^1]);
    }

    [Fact]
    public async Task Reload_SameFile_ProbesKeepTheirVersion()
    {
        // The control for the test above: the file written there loads as the same check, so that a v2 probe there could only come
        // from the new version, not from a check restarted for some other difference.
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint, Check) with { SendProxy = ProxyProtocolVersion.V1 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));
        await Eventually.UntilAsync(() => backend.Connections.Any(c => Parse(c.Received).Version == 1), found => found, "a v1 probe");
        using var before = await proxy.GetJsonAsync("api/v1/groups/0");
        var identity = before.RootElement.GetProperty("healthChecks")[0].GetProperty("id").GetString();

        await proxy.ReloadAsync(Toml(proxy, backend, "v1"));

        using var after = await proxy.GetJsonAsync("api/v1/groups/0");
        Assert.Equal(identity, after.RootElement.GetProperty("healthChecks")[0].GetProperty("id").GetString());
    }

    /// <summary>The header at the start of <paramref name="bytes"/>: its version (0 while incomplete) and contents.</summary>
    private static (int Version, ProxyHeader? Header) Parse(byte[] bytes) =>
        ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out _) == ProxyHeaderStatus.Complete
            ? (bytes[0] == (byte)'P' ? 1 : 2, header)
            : (0, null);
}
