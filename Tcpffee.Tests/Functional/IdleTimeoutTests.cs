using System.Diagnostics;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary><c>idle_timeout</c> closes connections that carry no bytes for that long; 0 means never.</summary>
[Collection(TimingSensitive.Name)]
public sealed class IdleTimeoutTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(0.3);

    [Fact]
    public async Task IdleTimeout_ConnectionIdle_ClosedByProxy()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { IdleTimeout = IdleTimeout });
        using var client = await proxy.ConnectAsync(2);
        Assert.Equal("ping", await client.AskAsync("ping\n"));
        var idleSince = Stopwatch.StartNew();

        var (data, _) = await client.ReadToEndAsync();

        Assert.Empty(data);
        Assert.True(idleSince.Elapsed >= IdleTimeout - TimeSpan.FromMilliseconds(50), $"closed after {idleSince.Elapsed}, before idle_timeout");
        await Eventually.HoldsAsync(() => proxy.Tracker.Count == 0, "the proxy forgot the closed connection");
    }

    [Fact]
    public async Task IdleTimeout_ConnectionActiveEvery100Ms_SurvivesPastOneSecond()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { IdleTimeout = IdleTimeout });
        using var client = await proxy.ConnectAsync(2);
        var alive = Stopwatch.StartNew();

        // Activity, not an assertion, is what the pauses are for: a byte each way every 100 ms for over a second.
        while (alive.Elapsed < TimeSpan.FromSeconds(1.2))
        {
            Assert.Equal("x", await client.AskAsync("x\n"));
            await Task.Delay(100);
        }

        Assert.Equal("still here", await client.AskAsync("still here\n"));
    }

    [Fact]
    public async Task IdleTimeout_Zero_IdleConnectionStaysOpen()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { IdleTimeout = TimeSpan.Zero });
        using var client = await proxy.ConnectAsync(2);
        Assert.Equal("ping", await client.AskAsync("ping\n"));

        // The one bounded wait of the suite: being left alone is the behaviour under test. 1.5 s covers several
        // tracker heartbeats (1 s) and five times the idle_timeout the other tests use.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal("pong", await client.AskAsync("pong\n"));
    }
}
