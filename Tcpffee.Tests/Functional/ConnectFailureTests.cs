using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>A key fails over to the next group when its backend is unreachable; a known key only with <c>redispatch</c>.</summary>
public sealed class ConnectFailureTests
{
    /// <summary>A loopback endpoint nothing listens on: connecting to it is refused at once.</summary>
    private static IPEndPoint DeadEndPoint() => new(IPAddress.Loopback, FreePorts.Next());

    [Fact]
    public async Task Connect_NewKeyAndChosenBackendDead_LandsOnNextGroup()
    {
        await using var alive = NamedBackend.Start("alive");
        await using var proxy = await ProxyHost.StartAsync(OnePort(DeadEndPoint(), alive.EndPoint));

        // After the first client, group 0 always has fewer entries, so every new key tries the dead backend first.
        for (var n = 2; n < 7; n++)
        {
            Assert.Equal("alive", await proxy.AskOnceAsync(n));
        }

        Assert.Equal(0, proxy.Table.CountForGroup(0));
        Assert.Equal(5, proxy.Table.CountForGroup(1));
    }

    [Fact]
    public async Task Connect_KnownKeyAndItsBackendDies_RedispatchedToTheOtherGroup()
    {
        var alpha = NamedBackend.Start("alpha");
        var bravo = NamedBackend.Start("bravo");
        await using var disposeAlpha = alpha;
        await using var disposeBravo = bravo;
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        var name = await proxy.AskOnceAsync(2);
        var (stuck, other, otherGroup) = name == "alpha" ? (alpha, "bravo", 1) : (bravo, "alpha", 0);
        await proxy.WaitUntilIdleAsync(ProxyHost.KeyOf(2));

        await stuck.DisposeAsync();

        Assert.Equal(other, await proxy.AskOnceAsync(2));
        var entry = await ApiJson.GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.2");
        Assert.Equal(otherGroup, ApiJson.Number(entry, "group"));
        Assert.Equal(other, await proxy.AskOnceAsync(2));
    }

    [Fact]
    public async Task Connect_KnownKeyAndItsBackendDiesWithoutRedispatch_ClosedAndEntryExpires()
    {
        var alpha = NamedBackend.Start("alpha");
        var bravo = NamedBackend.Start("bravo");
        await using var disposeAlpha = alpha;
        await using var disposeBravo = bravo;
        var expiration = TimeSpan.FromSeconds(2);
        var config = OnePort(alpha.EndPoint, bravo.EndPoint) with { Redispatch = false, Expiration = expiration };
        await using var proxy = await ProxyHost.StartAsync(config);
        var key = ProxyHost.KeyOf(2);
        var name = await proxy.AskOnceAsync(2);
        var (stuck, group) = name == "alpha" ? (alpha, 0) : (bravo, 1);
        await proxy.WaitUntilIdleAsync(key);
        var lastServed = Stopwatch.StartNew();

        await stuck.DisposeAsync();

        // The client keeps retrying its dead group: every attempt is refused, none renews the entry, so it expires
        // `expiration` after the last connection that was served, and the next attempt is a new key.
        var attempts = 0;
        while (proxy.Table.Lookup(key) == group)
        {
            try
            {
                using var client = await TestClient.ConnectAsync(proxy.EndPoint, 2);
                var (data, _) = await client.ReadToEndAsync(TimeSpan.FromSeconds(10));
                Assert.Empty(data);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Closed by the proxy before the connect completed here: refused all the same.
            }
            catch (TimeoutException)
            {
                // Served and held open by the other backend: the entry expired just before this attempt.
                break;
            }

            attempts++;

            // Paced like a client retrying, not a flood: what is asserted is the table, not timing.
            await Task.Delay(100);
            Assert.True(lastServed.Elapsed < expiration + TimeSpan.FromSeconds(30), $"the entry is still alive after {attempts} refused attempts");
        }

        Assert.True(attempts > 1, $"only {attempts} attempt before the entry expired");
        Assert.True(lastServed.Elapsed >= expiration - TimeSpan.FromSeconds(1), $"the entry went after {lastServed.Elapsed}, before its expiration");
        Assert.Equal(name == "alpha" ? "bravo" : "alpha", await proxy.AskOnceAsync(2));
    }

    [Fact]
    public async Task Connect_EveryGroupDisabled_ClientClosedAtOnce()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        var config = Base with
        {
            Groups = [Group(0, Map((0, alpha.EndPoint)), disabled: true), Group(1, Map((0, bravo.EndPoint)), disabled: true)],
        };
        await using var proxy = await ProxyHost.StartAsync(config);
        var clock = Stopwatch.StartNew();

        var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2);

        Assert.Empty(data);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"closed only after {clock.Elapsed}: not at once (connect_timeout is 5 s)");
        Assert.Equal(0, alpha.Accepted + bravo.Accepted);
        Assert.Equal(0, proxy.Table.Count);
    }
}
