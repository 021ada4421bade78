using System.Diagnostics;
using System.Text;
using Tcpffee.Configuration;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>TCPFFEE_KEY_TYPE=IP_WITH_FIRST_MESSAGE_SLICE: the key is the address plus bytes [START, END) of what the client sent first.</summary>
public sealed class FirstMessageKeyTests
{
    /// <summary>
    /// A lower bound on the 0.2 s first_message_timeout, with room for timer coarseness; the tests start their clock
    /// before they connect, since the proxy's countdown starts at its accept, which cannot come earlier.
    /// </summary>
    private static readonly TimeSpan AtLeastTheTimeout = TimeSpan.FromMilliseconds(150);

    private static TcpffeeEnvironment SliceKey(int start, int end) =>
        new() { KeyType = KeyType.IpWithFirstMessageSlice, SliceStart = start, SliceEnd = end };

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public async Task Connect_FirstMessageInSeveralSegments_KeyUsesSliceAndBackendGetsExactBytes()
    {
        await using var backend = RecordingBackend.Start();
        var config = OnePort(backend.EndPoint) with { FirstMessageTimeout = TimeSpan.FromSeconds(30) };
        var observed = new ObservedReads();
        await using var proxy = await ProxyHost.StartAsync(config, new ProxyHostOptions { Environment = SliceKey(2, 6), Services = observed.Install });
        using var client = await TestClient.ConnectAsync(proxy.ListeningEndPoint, 2);
        var reads = await observed.NextConnectionAsync();
        var clock = Stopwatch.StartNew();

        // Each part is sent only once the proxy has read the parts before it, so it comes in a later read.
        await client.SendAsync("xy");
        await reads.WaitUntilTakenAsync();
        await client.SendAsync("abc");
        await reads.WaitUntilTakenAsync();
        await client.SendAsync("defgh");
        var connection = await backend.NextConnectionAsync();
        var received = await connection.WaitForReceivedAsync(10);

        Assert.Equal("xyabcdefgh", Encoding.ASCII.GetString(received));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the proxy waited for the 30 s timeout instead of the 6th byte ({clock.Elapsed})");
        var entry = Assert.Single(proxy.Table.Snapshot());
        Assert.Equal(ProxyHost.KeyOf(2, Ascii("abcd")), entry.Key);
    }

    [Fact]
    public async Task Connect_FewerBytesThanSliceEndThenWaitsForReply_ForwardedAfterTimeout()
    {
        await using var backend = TestBackend.Echo();
        var config = OnePort(backend.EndPoint) with { FirstMessageTimeout = TimeSpan.FromSeconds(0.2) };
        await using var proxy = await ProxyHost.StartAsync(config, SliceKey(2, 6));
        var clock = Stopwatch.StartNew();
        using var client = await proxy.ConnectAsync(2);

        await client.SendAsync("xyz");
        var reply = await client.ReceiveExactlyAsync(3);

        Assert.Equal("xyz", Encoding.ASCII.GetString(reply));
        Assert.True(clock.Elapsed >= AtLeastTheTimeout, $"the reply came after {clock.Elapsed.TotalMilliseconds} ms, before first_message_timeout");
        Assert.Equal(ProxyHost.KeyOf(2, Ascii("z")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Fact]
    public async Task Connect_ServerSpeaksFirstAndClientSendsNothing_BannerArrivesAfterTimeout()
    {
        await using var backend = TestBackend.Banner("220 ready");
        var config = OnePort(backend.EndPoint) with { FirstMessageTimeout = TimeSpan.FromSeconds(0.2) };
        await using var proxy = await ProxyHost.StartAsync(config, SliceKey(0, 4));
        var clock = Stopwatch.StartNew();
        using var client = await proxy.ConnectAsync(2);

        var banner = await client.ReceiveLineAsync();

        Assert.Equal("220 ready", banner);
        Assert.True(clock.Elapsed >= AtLeastTheTimeout, $"the banner came after {clock.Elapsed.TotalMilliseconds} ms, before first_message_timeout");
        Assert.Equal(ProxyHost.KeyOf(2), Assert.Single(proxy.Table.Snapshot()).Key);
        Assert.Equal("hi", await client.AskAsync("hi\n"));
    }

    [Fact]
    public async Task Connect_SameAddressDifferentSlices_KeyedApartAndSameSliceSticks()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint), SliceKey(0, 4));

        var first = await AskWithAsync("AAAA-1");
        var second = await AskWithAsync("BBBB-1");
        var again = await AskWithAsync("AAAA-2");

        // With one entry in the first group, a distinct key must go to the other group: they were keyed apart.
        Assert.NotEqual(first, second);
        Assert.Equal(first, again);
        var entries = proxy.Table.Snapshot().ToDictionary(e => e.Key, e => e.GroupId);
        Assert.Equal(2, entries.Count);
        Assert.Equal(first == "alpha" ? 0 : 1, entries[ProxyHost.KeyOf(2, Ascii("AAAA"))]);
        Assert.Equal(second == "alpha" ? 0 : 1, entries[ProxyHost.KeyOf(2, Ascii("BBBB"))]);

        async Task<string> AskWithAsync(string message)
        {
            using var client = await proxy.ConnectAsync(2);
            return await client.AskAsync(message);
        }
    }

    [Fact]
    public async Task Connect_ClientSendsFinBeforeSliceEnd_ForwardedAtOnceWithFin()
    {
        await using var backend = RecordingBackend.Start();
        var config = OnePort(backend.EndPoint) with { FirstMessageTimeout = TimeSpan.FromSeconds(30) };
        await using var proxy = await ProxyHost.StartAsync(config, SliceKey(2, 6));
        using var client = await proxy.ConnectAsync(2);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("xyz");
        client.ShutdownSend();
        var connection = await backend.NextConnectionAsync();

        Assert.Equal(StreamEnd.Eof, await connection.WaitForEndAsync());
        Assert.Equal("xyz", connection.ReceivedText);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the proxy waited for the 30 s timeout although the client had finished ({clock.Elapsed})");
        Assert.Equal(ProxyHost.KeyOf(2, Ascii("z")), Assert.Single(proxy.Table.Snapshot()).Key);
    }

    [Fact]
    public async Task Connect_LongestSliceFarIntoTheMessage_ClientServedWithExactBytes()
    {
        // The longest slice a key may hold (1024 bytes), ending 2000 bytes into the first message.
        const int SliceEnd = 2000;
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint), SliceKey(SliceEnd - StickKey.MaxSliceLength, SliceEnd));
        using var client = await proxy.ConnectAsync(2);
        var message = new byte[SliceEnd];
        new Random(7).NextBytes(message);

        await client.SendAsync(message);
        var connection = await backend.NextConnectionAsync();
        var received = await connection.WaitForReceivedAsync(SliceEnd);

        Assert.Equal(message, received);
        Assert.Equal(1, proxy.Table.Count);
    }
}
