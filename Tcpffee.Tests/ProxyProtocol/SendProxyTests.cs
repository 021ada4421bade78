using System.Buffers;
using System.Net;
using System.Text;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary><c>send_proxy</c>: the backend receives a PROXY header with the client's address, then the client's bytes, intact.</summary>
public sealed class SendProxyTests
{
    private const string Payload = "hello through the proxy\nsecond line\n";

    /// <summary>A backend that reads the PROXY header with the product's parser and answers with the source it names.</summary>
    private static async Task EchoHeaderSource(BackendConnection connection)
    {
        var header = ProxyHeader.Unknown;
        await connection.WaitForAsync(
            bytes => ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out header, out _) == ProxyHeaderStatus.Complete,
            "a complete PROXY header");
        await connection.SendAsync(Encoding.ASCII.GetBytes($"{header.Source}\n"));
        await connection.WaitForAllReceivedAsync();
        connection.ShutdownSend();
    }

    [Theory]
    [InlineData(1, "127.0.0.1", "127.0.0.2")]
    [InlineData(1, "127.0.0.1", "127.0.0.77")]
    [InlineData(2, "127.0.0.1", "127.0.0.3")]
    [InlineData(2, "127.0.0.1", "127.0.0.200")]
    [InlineData(1, "::1", "::1")]
    [InlineData(2, "::1", "::1")]
    public async Task SendProxy_ClientConnects_BackendSeesClientAddressAndPort(int version, string bind, string from)
    {
        await using var backend = RecordingBackend.Start(EchoHeaderSource);
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)version };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group) with { BindAddress = IPAddress.Parse(bind) });
        using var client = await proxy.ConnectAsync(IPAddress.Parse(from));

        await client.SendAsync(Payload);
        client.ShutdownSend();
        var echoed = await client.ReadTextToEndAsync();

        Assert.Equal($"{client.LocalEndPoint}\n", echoed);
    }

    [Theory]
    [InlineData(1, "127.0.0.1", "127.0.0.4")]
    [InlineData(2, "127.0.0.1", "127.0.0.5")]
    [InlineData(1, "::1", "::1")]
    [InlineData(2, "::1", "::1")]
    public async Task SendProxy_ClientSends_BackendGetsExactHeaderThenPayload(int version, string bind, string from)
    {
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)version };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group) with { BindAddress = IPAddress.Parse(bind) });
        using var client = await proxy.ConnectAsync(IPAddress.Parse(from));

        await client.SendAsync(Payload);
        client.ShutdownSend();
        var connection = (await backend.WaitForConnectionsAsync(1)).Single();
        var received = await connection.WaitForAllReceivedAsync();

        // Built by hand from the specification: the client's address and port, then the address and port it connected to.
        var expected = HeaderBytes.Concat(HeaderBytes.For(version, client.LocalEndPoint, proxy.EndPoint), HeaderBytes.Ascii(Payload));
        Assert.True(expected.AsSpan().SequenceEqual(received), $"expected '{HeaderBytes.Show(expected)}', got '{HeaderBytes.Show(received)}'");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task SendProxy_IPv4ClientOnDualStackListener_HeaderIsTcp4(int version)
    {
        // A listener on "::" sees IPv4 clients as ::ffff:a.b.c.d; the header must still be TCP4 with plain IPv4 addresses.
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)version };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group) with { BindAddress = IPAddress.IPv6Any });
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.6"));

        await client.SendAsync(Payload);
        client.ShutdownSend();
        var received = await (await backend.WaitForConnectionsAsync(1)).Single().WaitForAllReceivedAsync();

        var expected = HeaderBytes.Concat(HeaderBytes.For(version, client.LocalEndPoint, new IPEndPoint(IPAddress.Loopback, proxy.Port)), HeaderBytes.Ascii(Payload));
        Assert.True(expected.AsSpan().SequenceEqual(received), $"expected '{HeaderBytes.Show(expected)}', got '{HeaderBytes.Show(received)}'");
    }

    [Fact]
    public async Task SendProxy_LargePayloadBothWays_HeaderOnceAndBytesIntact()
    {
        // The header goes once, ahead of everything; the copy after it is byte for byte, in both directions.
        var upstream = new byte[300_000];
        new Random(7).NextBytes(upstream);
        await using var backend = RecordingBackend.Start(async c =>
        {
            var bytes = await c.WaitForAllReceivedAsync();
            await c.SendAsync(bytes);
            c.ShutdownSend();
        });
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = ProxyProtocolVersion.V2 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(group));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.8"));

        var sending = client.SendAsync(upstream);
        var reading = client.ReadToEndAsync();
        await sending;
        client.ShutdownSend();
        var (downstream, end) = await reading;

        Assert.Equal(StreamEnd.Eof, end);
        var header = HeaderBytes.V2(client.LocalEndPoint, proxy.EndPoint);
        Assert.Equal(header.Length + upstream.Length, downstream.Length);
        Assert.True(downstream.AsSpan(0, header.Length).SequenceEqual(header), "the header is not at the start");
        Assert.True(downstream.AsSpan(header.Length).SequenceEqual(upstream), "the client's bytes did not follow the header intact");
    }

    [Fact]
    public async Task SendProxy_NotSet_BackendGetsOnlyThePayload()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint)));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.9"));

        await client.SendAsync(Payload);
        client.ShutdownSend();
        var received = await (await backend.WaitForConnectionsAsync(1)).Single().WaitForAllReceivedAsync();

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
    }
}
