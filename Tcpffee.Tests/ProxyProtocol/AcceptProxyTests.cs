using System.Net;
using System.Text;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>
/// <c>accept_proxy</c>: tcpffee behind another load balancer reads the PROXY header, keys and routes the client by the address
/// in it, and forwards only what follows the header.
/// </summary>
public sealed class AcceptProxyTests
{
    private const string Payload = "payload after the header\n";

    /// <summary>The address the client originally connected to, as the upstream load balancer's header says (IPv4 and IPv6).</summary>
    private static readonly IPEndPoint Original = IPEndPoint.Parse("198.51.100.10:443");

    private static readonly IPEndPoint Original6 = IPEndPoint.Parse("[2001:db8::443]:443");

    /// <summary>Trusts loopback, and waits long enough that a slow machine never hits the header timeout by accident.</summary>
    private static TcpffeeConfig Accepting(params GroupConfig[] groups) => TestConfig.Proxy(groups) with
    {
        AcceptProxy = true,
        AcceptProxyFrom = Networks.Of("127.0.0.0/8", "::1/128"),
        FirstMessageTimeout = TimeSpan.FromSeconds(10),
    };

    private static IPEndPoint Upstream(string address, int port = 40000) => new(IPAddress.Parse(address), port);

    /// <summary>A header from <paramref name="source"/> to the original destination of the same family.</summary>
    private static byte[] HeaderFor(int version, IPEndPoint source) =>
        HeaderBytes.For(version, source, source.AddressFamily == Original.AddressFamily ? Original : Original6);

    /// <summary>Sends <paramref name="bytes"/> from <paramref name="from"/>, closes the sending side, and returns what the backend got, once it ended.</summary>
    private static async Task<byte[]> SendThroughAsync(ProxyHost proxy, RecordingBackend backend, string from, byte[] bytes)
    {
        using var client = await proxy.ConnectAsync(IPAddress.Parse(from));
        await client.SendAsync(bytes);
        client.ShutdownSend();
        var connections = await backend.WaitForConnectionsAsync(1);
        return await connections[0].WaitForAllReceivedAsync();
    }

    [Theory]
    [InlineData(1, "203.0.113.7")]
    [InlineData(2, "203.0.113.7")]
    [InlineData(1, "2001:db8::7")]
    [InlineData(2, "2001:db8::7")]
    public async Task AcceptProxy_HeaderThenPayload_KeyIsHeaderAddressAndBackendGetsOnlyPayload(int version, string address)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backend.EndPoint)));
        var source = Upstream(address);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(HeaderFor(version, source), HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        var entry = Assert.Single(proxy.Table.Snapshot());
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse(address)), entry.Key);

        // The stats API shows the same key.
        using var json = await proxy.GetJsonAsync($"api/v1/stick-table/{Uri.EscapeDataString(address)}");
        Assert.Equal(address, json.RootElement.GetProperty("clientIp").GetString());
    }

    [Fact]
    public async Task AcceptProxy_SameHeaderAddressFromTwoLoopbackClients_SameGroup()
    {
        await using var backendA = RecordingBackend.Start();
        await using var backendB = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backendA.EndPoint), TestConfig.Group(1, backendB.EndPoint)));
        var backends = new[] { backendA, backendB };

        // Three connections, each from a different loopback address: the first two carry the same header address.
        var first = await RouteAsync(proxy, backends, "127.0.0.2", "203.0.113.7", "first");
        var second = await RouteAsync(proxy, backends, "127.0.0.3", "203.0.113.7", "second");
        var third = await RouteAsync(proxy, backends, "127.0.0.2", "203.0.113.8", "third");

        Assert.Equal(first, second);

        // A new key goes to the group with the fewest entries: the one the first key is not on.
        Assert.NotEqual(first, third);
        var entries = proxy.Table.Snapshot().ToDictionary(e => e.Key.ToString(), e => e.GroupId);
        Assert.Equal(new Dictionary<string, int> { ["203.0.113.7"] = first, ["203.0.113.8"] = third }, entries);
    }

    [Fact]
    public async Task AcceptProxy_ManyHeaderAddresses_SpreadEvenlyAndLoopbackNeverAKey()
    {
        await using var backendA = RecordingBackend.Start();
        await using var backendB = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backendA.EndPoint), TestConfig.Group(1, backendB.EndPoint)));
        var backends = new[] { backendA, backendB };

        // All from one loopback address; with a key per header address, the fewest-entries rule alternates the groups.
        var groups = new List<int>();
        for (var i = 1; i <= 6; i++)
        {
            groups.Add(await RouteAsync(proxy, backends, "127.0.0.2", $"203.0.113.{i}", $"client {i}"));
        }

        Assert.Equal(3, groups.Count(g => g == 0));
        Assert.Equal(3, groups.Count(g => g == 1));
        Assert.DoesNotContain(proxy.Table.Snapshot(), e => IPAddress.IsLoopback(e.Key.Address));
        Assert.Equal(6, proxy.Table.Snapshot().Count);
    }

    [Fact]
    public async Task AcceptProxy_V2WithLargeTlvs_TlvsSkippedAndPayloadForwarded()
    {
        // 4096 bytes in all, the most accepted: more than one read for the proxy, most of it TLVs to skip.
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backend.EndPoint)));
        var tlvs = HeaderBytes.Concat(HeaderBytes.Tlv(0x01, "h2"u8.ToArray()), HeaderBytes.Tlv(0x04, new byte[4096 - 16 - 12 - 5 - 3]));
        var header = HeaderBytes.V2(Upstream("203.0.113.7"), Original, tlvs);
        Assert.Equal(4096, header.Length);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(header, HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("203.0.113.7")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Theory]
    [InlineData(1, "PROXY UNKNOWN\r\n")]
    [InlineData(1, "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n")]
    [InlineData(2, "LOCAL")]
    public async Task AcceptProxy_UnknownOrLocalHeader_KeyIsTheConnectionsOwnAddress(int version, string header)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backend.EndPoint)));
        var bytes = version == 1 ? HeaderBytes.Ascii(header) : HeaderBytes.V2(0x20, 0x00, []);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.9", HeaderBytes.Concat(bytes, HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("127.0.0.9")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(1, 6)]
    [InlineData(1, 20)]
    [InlineData(1, 46)]
    [InlineData(2, 6)]
    [InlineData(2, 12)]
    [InlineData(2, 14)]
    [InlineData(2, 20)]
    [InlineData(2, 27)]
    public async Task AcceptProxy_HeaderSplitAcrossTwoWrites_KeyIsHeaderAddressAndBackendGetsOnlyPayload(int version, int split)
    {
        await using var backend = RecordingBackend.Start();
        var observed = new ObservedReads();
        await using var proxy = await ProxyHost.StartAsync(Accepting(TestConfig.Group(0, backend.EndPoint)), new ProxyHostOptions { Services = observed.Install });
        var header = HeaderFor(version, Upstream("203.0.113.7"));
        Assert.InRange(split, 1, header.Length - 1);
        using var client = await TestClient.ConnectAsync(proxy.ListeningEndPoint, IPAddress.Parse("127.0.0.2"));
        var reads = await observed.NextConnectionAsync();

        await client.SendAsync(header[..split]);

        // The rest is sent only once the proxy has read the first part, so the header arrives in two reads.
        await reads.WaitUntilTakenAsync();
        await client.SendAsync(HeaderBytes.Concat(header[split..], HeaderBytes.Ascii(Payload)));
        client.ShutdownSend();
        var received = await (await backend.WaitForConnectionsAsync(1)).Single().WaitForAllReceivedAsync();

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("203.0.113.7")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AcceptProxy_HeaderAloneThenPayloadLater_PayloadForwardedAfterIt(int version)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(TestConfig.Group(0, backend.EndPoint)));
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        await client.SendAsync(HeaderFor(version, Upstream("203.0.113.7")));

        // The backend is connected once the header is in, before any payload.
        var connection = (await backend.WaitForConnectionsAsync(1)).Single();
        await client.SendAsync("first ");
        await connection.WaitForAsync(b => b.Length >= 6, "the first payload bytes");
        await client.SendAsync("second");
        client.ShutdownSend();

        Assert.Equal("first second", Encoding.ASCII.GetString(await connection.WaitForAllReceivedAsync()));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    public async Task AcceptProxyAndSendProxy_UpstreamHeader_BackendSeesHeaderAddressNotLoopback(int inVersion, int outVersion)
    {
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)outVersion };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(group));
        var source = Upstream("203.0.113.7", 40001);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(HeaderFor(inVersion, source), HeaderBytes.Ascii(Payload)));

        // The header sent on names the client and the address it originally connected to, both from the upstream header.
        var expected = HeaderBytes.Concat(HeaderFor(outVersion, source), HeaderBytes.Ascii(Payload));
        Assert.True(expected.AsSpan().SequenceEqual(received), $"expected '{HeaderBytes.Show(expected)}', got '{HeaderBytes.Show(received)}'");
        Assert.DoesNotContain("127.0.0", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptProxyAndSendProxy_UpstreamIPv6Header_BackendSeesTcp6()
    {
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = ProxyProtocolVersion.V1 };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(group));
        var source = Upstream("2001:db8::7", 40002);
        var destination = IPEndPoint.Parse("[2001:db8::443]:8443");

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(HeaderBytes.V2(source, destination), HeaderBytes.Ascii(Payload)));

        Assert.Equal($"PROXY TCP6 2001:db8::7 2001:db8::443 40002 8443\r\n{Payload}", Encoding.ASCII.GetString(received));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AcceptProxy_V2HeaderWithIPv4MappedSource_KeyAndHeaderSentOnArePlainIPv4(int outVersion)
    {
        // An upstream on IPv6 may describe an IPv4 client as ::ffff:a.b.c.d: the same client as a.b.c.d for the key.
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)outVersion };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(group));
        var source = new IPEndPoint(IPAddress.Parse("::ffff:203.0.113.7"), 40003);
        var destination = new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.10"), 443);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(HeaderBytes.V2(source, destination), HeaderBytes.Ascii(Payload)));

        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("203.0.113.7")), Assert.Single(proxy.Table.Snapshot()).Key);
        var expected = HeaderBytes.Concat(HeaderFor(outVersion, Upstream("203.0.113.7", 40003)), HeaderBytes.Ascii(Payload));
        Assert.True(expected.AsSpan().SequenceEqual(received), $"expected '{HeaderBytes.Show(expected)}', got '{HeaderBytes.Show(received)}'");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AcceptProxyAndSendProxy_HeaderThenClientCloses_BackendGetsOnlyTheHeaderSentOn(int version)
    {
        await using var backend = RecordingBackend.Start();
        var group = TestConfig.Group(0, backend.EndPoint) with { SendProxy = (ProxyProtocolVersion)version };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(Accepting(group));
        var source = Upstream("203.0.113.7", 40004);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderFor(version, source));

        // The incoming header is consumed, never forwarded; the outgoing one is the only thing the backend gets.
        Assert.Equal(HeaderFor(version, source), received);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public async Task AcceptProxy_SliceKey_SliceTakenFromBytesAfterTheHeader(int version, bool separateWrites)
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(
            Accepting(TestConfig.Group(0, backend.EndPoint)),
            new TcpffeeEnvironment { KeyType = KeyType.IpWithFirstMessageSlice, SliceStart = 2, SliceEnd = 8 });
        var header = HeaderFor(version, Upstream("203.0.113.7"));
        const string message = "xxSESSION-42 and the rest of the first message\n";
        using var client = await proxy.ConnectAsync(IPAddress.Parse("127.0.0.2"));

        if (separateWrites)
        {
            await client.SendAsync(header);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            await client.SendAsync(message);
        }
        else
        {
            await client.SendAsync(HeaderBytes.Concat(header, HeaderBytes.Ascii(message)));
        }

        client.ShutdownSend();
        var received = await (await backend.WaitForConnectionsAsync(1)).Single().WaitForAllReceivedAsync();

        Assert.Equal(message, Encoding.ASCII.GetString(received));
        Assert.Equal("203.0.113.7|SESSIO", Assert.Single(proxy.Table.Snapshot()).Key.ToString());
        using var json = await proxy.GetJsonAsync("api/v1/stick-table");
        var entry = Assert.Single(json.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal("SESSIO", entry.GetProperty("slice").GetString());
    }

    [Fact]
    public async Task AcceptProxy_DualStackListenerAndIPv4Client_TrustedByIPv4Network()
    {
        // On "::" an IPv4 client is ::ffff:127.0.0.2; accept_proxy_from names IPv4 networks, and must still match it.
        await using var backend = RecordingBackend.Start();
        var config = Accepting(TestConfig.Group(0, backend.EndPoint)) with { BindAddress = IPAddress.IPv6Any, AcceptProxyFrom = Networks.Of("127.0.0.0/8") };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(config);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.2", HeaderBytes.Concat(HeaderFor(1, Upstream("203.0.113.7")), HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("203.0.113.7")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Theory]
    [InlineData("127.0.0.5", "127.0.0.5")]
    [InlineData("127.0.0.0/29", "127.0.0.6")]
    public async Task AcceptProxy_ClientInsideAcceptProxyFrom_Accepted(string network, string from)
    {
        await using var backend = RecordingBackend.Start();
        var trusted = network.Contains('/', StringComparison.Ordinal) ? network : network + "/32";
        var config = Accepting(TestConfig.Group(0, backend.EndPoint)) with { AcceptProxyFrom = Networks.Of(trusted) };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(config);

        var received = await SendThroughAsync(proxy, backend, from, HeaderBytes.Concat(HeaderFor(2, Upstream("203.0.113.7")), HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
    }

    [Fact]
    public async Task AcceptProxy_EmptyAcceptProxyFrom_AnyClientTrusted()
    {
        await using var backend = RecordingBackend.Start();
        var config = Accepting(TestConfig.Group(0, backend.EndPoint)) with { AcceptProxyFrom = [] };
        await using var proxy = await ProxyHost.StartOnFreePortAsync(config);

        var received = await SendThroughAsync(proxy, backend, "127.0.0.99", HeaderBytes.Concat(HeaderFor(1, Upstream("203.0.113.7")), HeaderBytes.Ascii(Payload)));

        Assert.Equal(Payload, Encoding.ASCII.GetString(received));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("203.0.113.7")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    /// <summary>Connects from <paramref name="from"/> with a v1 header naming <paramref name="headerAddress"/>, and returns the group whose backend got it.</summary>
    private static async Task<int> RouteAsync(ProxyHost proxy, RecordingBackend[] backends, string from, string headerAddress, string marker)
    {
        var payload = $"{marker}\n";
        using var client = await proxy.ConnectAsync(IPAddress.Parse(from));
        await client.SendAsync(HeaderBytes.Concat(HeaderFor(1, Upstream(headerAddress)), HeaderBytes.Ascii(payload)));
        client.ShutdownSend();
        var group = await Eventually.UntilAsync(
            () => Array.FindIndex(backends, b => b.Connections.Any(c => Encoding.ASCII.GetString(c.Received) == payload)),
            i => i >= 0,
            $"'{marker}' at a backend");

        // Let this connection finish before the next one, so that each routing decision sees the previous entry.
        await backends[group].Connections.Single(c => Encoding.ASCII.GetString(c.Received) == payload).WaitForAllReceivedAsync();
        return group;
    }
}
