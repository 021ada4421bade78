using System.Diagnostics;
using Tcpffee.Model;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>
/// How fast a dead backend leaves routing and how fast it comes back, on the real clock: within fall (rise) intervals,
/// plus a probe timeout, plus generous slack for a busy machine.
/// </summary>
public sealed class HealthTimingTests
{
    private const int Fall = 2;
    private const int Rise = 2;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Timeout = Interval / 2;
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Route_BackendDies_LeavesWithinFallIntervalsAndReturnsWithinRiseIntervals()
    {
        await using var a = NamedBackend.Start("A");
        await using var b = NamedBackend.Start("B");
        var check = TestConfig.Tcp(fall: Fall, rise: Rise, interval: Interval, timeout: Timeout);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.Proxy(TestConfig.Group(0, a.EndPoint, check), TestConfig.Group(1, b.EndPoint)));
        await Eventually.HoldsAsync(() => proxy.Check(0).Status.ConsecutivePasses >= Rise, "the check to pass", diagnostics: () => proxy.Describe());

        var died = Stopwatch.StartNew();
        await a.StopAsync();
        var leaveLimit = (Fall * Interval) + Timeout + Slack;
        await Eventually.HoldsAsync(() => proxy.Group(0).Effective != GroupStatus.Up, "group 0 to stop taking new clients", leaveLimit, diagnostics: () => proxy.Describe());
        var left = died.Elapsed;

        Assert.Equal(GroupStatus.Draining, proxy.Group(0).Effective);
        Assert.Equal("B", await proxy.AskOnceAsync(2));

        var revived = Stopwatch.StartNew();
        a.Restart();
        var returnLimit = (Rise * Interval) + Timeout + Slack;
        await Eventually.HoldsAsync(() => proxy.Group(0).Effective == GroupStatus.Up, "group 0 to take new clients again", returnLimit, diagnostics: () => proxy.Describe());
        var returned = revived.Elapsed;

        // Group 1 holds client 2 and group 0 none, so a new client goes to group 0 now that it is up.
        Assert.Equal("A", await proxy.AskOnceAsync(3));
        Assert.InRange(left, TimeSpan.Zero, leaveLimit);
        Assert.InRange(returned, TimeSpan.Zero, returnLimit);
    }
}
