using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tcpffee.Configuration;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>
/// <c>accept_proxy</c> failures: a missing, malformed or late header closes that connection, an untrusted sender is refused;
/// each is counted by reason, and none of their bytes reach a backend.
/// </summary>
public sealed class AcceptProxyRejectionTests
{
    private const string Payload = "must never reach the backend\n";

    public static TheoryData<string, byte[]> BadHeaders => new()
    {
        { "no header, plain HTTP", HeaderBytes.Ascii("GET / HTTP/1.1\r\nHost: example\r\n\r\n") },
        { "v1 with too few fields", HeaderBytes.Ascii("PROXY TCP4 203.0.113.7\r\n") },
        { "v1 with a bad address", HeaderBytes.Ascii("PROXY TCP4 203.0.113.777 198.51.100.10 40000 443\r\n") },
        { "v1 with a port out of range", HeaderBytes.Ascii("PROXY TCP4 203.0.113.7 198.51.100.10 40000 65536\r\n") },
        { "v1 family mismatch", HeaderBytes.Ascii("PROXY TCP4 2001:db8::7 2001:db8::1 40000 443\r\n") },
        { "v1 lowercase", HeaderBytes.Ascii("proxy TCP4 203.0.113.7 198.51.100.10 40000 443\r\n") },
        { "v1 without CRLF within 107 bytes", HeaderBytes.Ascii("PROXY TCP4 203.0.113.7 198.51.100.10 40000 443" + new string(' ', 80) + "\r\n") },
        { "v2 with version 1", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("11 11 000C CB007107 C633640A 9C40 01BB")) },
        { "v2 longer than 4096 bytes", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("21 11 1000"), new byte[4096]) },
        { "v2 with short addresses", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("21 11 0004 CB007107")) },
        { "v2 with an undefined family (0x4)", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("21 41 000C CB007107 C633640A 9C40 01BB")) },
        { "v2 with an undefined transport (0x3)", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("21 13 000C CB007107 C633640A 9C40 01BB")) },
        { "v2 LOCAL with an undefined family (0xF)", HeaderBytes.Concat(HeaderBytes.Signature, HeaderBytes.Hex("20 F1 0000")) },
    };

    /// <summary>Trusts loopback; headers must arrive within 0.3 s.</summary>
    private static TcpffeeConfig Accepting(RecordingBackend backend) => TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint)) with
    {
        AcceptProxy = true,
        AcceptProxyFrom = Networks.Of("127.0.0.0/8"),
        FirstMessageTimeout = TimeSpan.FromSeconds(0.3),
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task AcceptProxy_BadHeader_ClosedCountedAndNothingForwarded(string what, byte[] header)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        await SendIgnoringResetAsync(client, HeaderBytes.Concat(header, HeaderBytes.Ascii(Payload)));
        var (answer, _) = await client.ReadToEndAsync();

        Assert.True(answer.Length == 0, $"{what}: the client got '{HeaderBytes.Show(answer)}'");

        // The rejection is counted when the handler has given up on the connection: no backend connection can follow it.
        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_header", 1));
        Assert.True(backend.Connections.Count == 0, $"{what}: the backend got a connection; {proxy}");
        Assert.Equal(0, await proxy.RejectedAsync("proxy_untrusted"));
    }

    [Fact]
    public async Task AcceptProxy_NothingSent_ClosedAfterFirstMessageTimeout()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend));
        // Started before the connect: the proxy's countdown starts at its accept, which cannot come earlier.
        var clock = Stopwatch.StartNew();
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        var (answer, _) = await client.ReadToEndAsync();

        Assert.Empty(answer);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.25), $"closed after {clock.Elapsed.TotalMilliseconds} ms, before first_message_timeout");
        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_header", 1));

        // The header comes too late: the connection is gone, and nothing of it reaches a backend.
        await SendIgnoringResetAsync(client, HeaderBytes.Concat(HeaderBytes.Ascii("PROXY TCP4 203.0.113.7 198.51.100.10 40000 443\r\n"), HeaderBytes.Ascii(Payload)));
        Assert.Empty(backend.Connections);
        Assert.Empty(proxy.Table.Snapshot());
    }

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 ")]
    [InlineData("PROXY")]
    [InlineData("\r\n\r\n\0\r\nQUIT\n")]
    public async Task AcceptProxy_PartialHeaderThenSilence_ClosedAfterFirstMessageTimeout(string start)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend));
        // Started before the connect: the proxy's countdown starts at its accept, which cannot come earlier.
        var clock = Stopwatch.StartNew();
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        await client.SendAsync(start);
        var (answer, _) = await client.ReadToEndAsync();

        Assert.Empty(answer);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.25), $"closed after {clock.Elapsed.TotalMilliseconds} ms, before first_message_timeout");
        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_header", 1));
        Assert.Empty(backend.Connections);
    }

    [Fact]
    public async Task AcceptProxy_HeaderDrippedSlowly_ClosedAtFirstMessageTimeoutNotExtendedByEachByte()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));
        var header = HeaderBytes.Ascii("PROXY TCP4 203.0.113.7 198.51.100.10 40000 443\r\n");
        var closed = client.ReadToEndAsync();
        var clock = Stopwatch.StartNew();

        // One byte every 50 ms: the whole header would take 2.4 s, eight times first_message_timeout.
        var sent = 0;
        while (sent < header.Length && !closed.IsCompleted)
        {
            await SendIgnoringResetAsync(client, header[sent..(sent + 1)]);
            sent++;
            await Task.WhenAny(closed, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }

        await closed;
        Assert.True(sent < header.Length, $"the whole header went through, one byte at a time, over {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_header", 1));
        Assert.Empty(backend.Connections);
    }

    [Fact]
    public async Task AcceptProxy_PartialHeaderThenClientCloses_ClosedAndCounted()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend) with { FirstMessageTimeout = TimeSpan.FromSeconds(30) });
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        // The client gives up halfway: no waiting for the timeout, and no backend.
        await client.SendAsync("PROXY TCP4 203.0.113.7 198.51");
        client.ShutdownSend();
        await client.ReadToEndAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_header", 1));
        Assert.Empty(backend.Connections);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AcceptProxy_ClientOutsideAcceptProxyFrom_RefusedAsUntrusted(int version)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend) with { AcceptProxyFrom = Networks.Of("10.0.0.0/8") });
        using var client = await ConnectUnlessResetAsync(proxy, IPAddress.Loopback);

        // A well-formed header claiming an address: the sender is not one of the trusted load balancers.
        if (client is not null)
        {
            await SendIgnoringResetAsync(client, HeaderBytes.Concat(HeaderBytes.For(version, IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("198.51.100.10:443")), HeaderBytes.Ascii(Payload)));
            var (answer, _) = await client.ReadToEndAsync();
            Assert.Empty(answer);
        }

        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_untrusted", 1));
        Assert.Equal(0, await proxy.RejectedAsync("proxy_header"));
        Assert.Empty(backend.Connections);
        Assert.Empty(proxy.Table.Snapshot());
    }

    [Fact]
    public async Task AcceptProxy_UntrustedClientSendingNothing_RefusedAtOnce()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend) with
        {
            AcceptProxyFrom = Networks.Of("127.0.0.5/32"),
            FirstMessageTimeout = TimeSpan.FromSeconds(30),
        });
        using var client = await ConnectUnlessResetAsync(proxy, IPAddress.Parse("127.0.0.6"));

        // Refused on the address alone, long before the 30 s header timeout.
        if (client is not null)
        {
            await client.ReadToEndAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(1, await proxy.WaitForRejectedAsync("proxy_untrusted", 1));
        Assert.Empty(backend.Connections);
    }

    [Fact]
    public async Task AcceptProxy_SeveralBadConnections_EachCountedAndOthersUnaffected()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(backend));

        for (var i = 0; i < 3; i++)
        {
            using var bad = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));
            await SendIgnoringResetAsync(bad, HeaderBytes.Ascii("HELLO\r\n"));
            await bad.ReadToEndAsync();
        }

        // A good connection afterwards goes through.
        using var good = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.3"));
        await good.SendAsync(HeaderBytes.Concat(HeaderBytes.Ascii("PROXY TCP4 203.0.113.7 198.51.100.10 40000 443\r\n"), HeaderBytes.Ascii("ok\n")));
        good.ShutdownSend();
        var received = await (await backend.WaitForConnectionsAsync(1)).Single().WaitForAllReceivedAsync();

        Assert.Equal("ok\n", System.Text.Encoding.ASCII.GetString(received));
        Assert.Equal(3, await proxy.WaitForRejectedAsync("proxy_header", 3));
        Assert.Single(backend.Connections);
    }

    /// <summary>
    /// Connects; null when the connect itself reports a reset. A connection refused as soon as it is accepted can be reset
    /// before the client's connect completes: the handshake was done, and the refusal came first.
    /// </summary>
    private static async Task<TestClient?> ConnectUnlessResetAsync(ProxyHost proxy, IPAddress from)
    {
        try
        {
            return await proxy.ConnectAsync(from);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return null;
        }
    }

    /// <summary>Sends, tolerating the proxy having already reset the connection.</summary>
    private static async Task SendIgnoringResetAsync(TestClient client, byte[] bytes)
    {
        try
        {
            await client.SendAsync(bytes);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            // Refused before everything was sent.
        }
    }
}
