using System.Buffers;
using System.Collections.Immutable;
using System.Net;
using System.Text;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>Health probes of a <c>send_proxy</c> group start with the group's PROXY header only with <c>send_proxy_checks = true</c>.</summary>
public sealed class HealthCheckProxyTests
{
    private static readonly HttpCheckConfig Http = new("/health", ImmutableArray<KeyValuePair<string, string>>.Empty, HttpCheckMethod.Get, null, 200);

    /// <summary>Answers every HTTP request (after any PROXY header) with 200 and closes.</summary>
    private static async Task AnswerHttp(BackendConnection connection)
    {
        await connection.WaitForAsync(b => b.AsSpan().IndexOf("\r\n\r\n"u8) >= 0, "an HTTP request");
        await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        connection.ShutdownSend();
    }

    private static HealthCheckConfig Check(bool http, bool sendProxyChecks) =>
        new(0, HealthCheckConfig.DefaultFall, FallAction.Draining, HealthCheckConfig.DefaultRise, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), http ? Http : null, null)
        {
            SendProxyChecks = sendProxyChecks,
        };

    [Theory]
    [InlineData(false, 1, "127.0.0.1")]
    [InlineData(false, 2, "127.0.0.1")]
    [InlineData(true, 1, "127.0.0.1")]
    [InlineData(true, 2, "127.0.0.1")]
    [InlineData(false, 1, "::1")]
    [InlineData(false, 2, "::1")]
    [InlineData(true, 1, "::1")]
    [InlineData(true, 2, "::1")]
    public async Task Probe_SendProxyChecks_StartsWithTheGroupsHeader(bool http, int version, string backendAddress)
    {
        await using var backend = RecordingBackend.Start(http ? AnswerHttp : null, IPAddress.Parse(backendAddress));
        var group = TestConfig.Group(0, backend.EndPoint, Check(http, sendProxyChecks: true)) with { SendProxy = (ProxyProtocolVersion)version };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));

        // For HTTP, a probe whose whole request is in (one cut short by its timeout on a slow machine would not be).
        var (connection, header, length) = await FirstProbeWithHeaderAsync(
            backend, complete: http ? b => b.AsSpan().IndexOf("\r\n\r\n"u8) >= 0 : null);
        var bytes = connection.Received;

        // The probe's own address and port (the proxy's side of the probe connection) to the endpoint it checks.
        Assert.Equal(version == 1, bytes[0] == (byte)'P');
        Assert.Equal(connection.Remote, header.Source);
        Assert.Equal(backend.EndPoint, header.Destination);
        if (http)
        {
            Assert.StartsWith("GET /health HTTP/1.1\r\n", Encoding.ASCII.GetString(bytes[length..]), StringComparison.Ordinal);
        }
        else
        {
            // A TCP probe sends the header and nothing else.
            Assert.Equal(length, (await connection.WaitForAllReceivedAsync()).Length);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Probe_WithoutSendProxyChecks_SendsNoHeader(bool http)
    {
        await using var backend = RecordingBackend.Start(http ? AnswerHttp : null);
        var group = TestConfig.Group(0, backend.EndPoint, Check(http, sendProxyChecks: false)) with { SendProxy = ProxyProtocolVersion.V1 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));

        // At least two whole probes (for HTTP, two whole requests), so that a header sent only by some would show.
        var done = await Eventually.UntilAsync(
            () => backend.Connections.Where(c => c.Ended.IsCompleted).ToList(),
            ended => ended.Count(c => !http || Encoding.ASCII.GetString(c.Received).StartsWith("GET /health HTTP/1.1\r\n", StringComparison.Ordinal)) >= 2,
            "two whole probes",
            describe: ended => string.Join(" | ", ended.Select(c => HeaderBytes.Show(c.Received))));

        foreach (var connection in done)
        {
            var bytes = connection.Received;
            if (http)
            {
                // A probe cut short by its timeout may have sent nothing; none may start with anything but the request.
                Assert.True(bytes.Length == 0 || Encoding.ASCII.GetString(bytes).StartsWith("GET /health", StringComparison.Ordinal), $"an HTTP probe sent '{HeaderBytes.Show(bytes)}'");
            }
            else
            {
                Assert.True(bytes.Length == 0, $"a TCP probe sent '{HeaderBytes.Show(bytes)}'");
            }
        }
    }

    [Fact]
    public async Task Probe_SendProxyChecksAndTrafficOnTheSameGroup_EachConnectionHasItsOwnHeader()
    {
        // Client connections and probes share the backend: each starts with its own header, naming its own source.
        await using var backend = RecordingBackend.Start(AnswerHttp);
        var group = TestConfig.Group(0, backend.EndPoint, Check(http: true, sendProxyChecks: true)) with { SendProxy = ProxyProtocolVersion.V2 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.12"));
        await client.SendAsync("GET /app HTTP/1.1\r\n\r\n");
        client.ShutdownSend();
        await client.ReadTextToEndAsync();

        var (probe, probeHeader, _) = await FirstProbeWithHeaderAsync(backend, h => !client.LocalEndPoint.Equals(h.Source));
        var (proxied, clientHeader, length) = await FirstProbeWithHeaderAsync(backend, h => client.LocalEndPoint.Equals(h.Source));

        Assert.Equal(probe.Remote, probeHeader.Source);
        Assert.Equal(proxy.EndPoint, clientHeader.Destination);
        Assert.Equal("GET /app HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString((await proxied.WaitForAllReceivedAsync())[length..]));
    }

    /// <summary>Waits for a connection that starts with a complete PROXY header (matching <paramref name="wanted"/>, if given).</summary>
    private static async Task<(BackendConnection Connection, ProxyHeader Header, int Length)> FirstProbeWithHeaderAsync(
        RecordingBackend backend, Func<ProxyHeader, bool>? wanted = null, Func<byte[], bool>? complete = null)
    {
        // Any probe will do: one cut short by its timeout before sending may come first on a slow machine.
        (BackendConnection, ProxyHeader, int)? found = null;
        await Eventually.UntilAsync(
            () =>
            {
                foreach (var connection in backend.Connections)
                {
                    var bytes = connection.Received;
                    if (ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length) == ProxyHeaderStatus.Complete
                        && (wanted is null || wanted(header)) && (complete is null || complete(bytes[length..])))
                    {
                        found = (connection, header, length);
                        return true;
                    }
                }

                return false;
            },
            f => f,
            "a connection starting with a PROXY header",
            describe: _ => string.Join(" | ", backend.Connections.Select(c => HeaderBytes.Show(c.Received))));
        return found!.Value;
    }
}
