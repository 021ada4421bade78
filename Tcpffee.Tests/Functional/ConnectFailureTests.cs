using System.Diagnostics;
using System.Net;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>A new key fails over to the next group when its backend is unreachable; a known key does not.</summary>
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
    public async Task Connect_KnownKeyAndItsBackendDies_ClosedAndEntryUnchanged()
    {
        var alpha = NamedBackend.Start("alpha");
        var bravo = NamedBackend.Start("bravo");
        await using var disposeAlpha = alpha;
        await using var disposeBravo = bravo;
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        var name = await proxy.AskOnceAsync(2);
        var (stuck, group) = name == "alpha" ? (alpha, 0) : (bravo, 1);
        await proxy.WaitUntilIdleAsync(ProxyHost.KeyOf(2));

        await stuck.DisposeAsync();
        var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2);

        Assert.Empty(data);
        Assert.Equal(group, proxy.Table.Lookup(ProxyHost.KeyOf(2)));
        await proxy.WaitUntilIdleAsync(ProxyHost.KeyOf(2));
        Assert.Equal(1, proxy.Table.Count);
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
