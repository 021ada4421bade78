using System.Net;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Health.Support;

namespace Tcpffee.Tests.Health;

/// <summary>The monitor on a fake clock: each step moves the clock one interval and waits for the real probe to record.</summary>
public sealed class HealthMonitorTests
{
    [Fact]
    public async Task Probe_BackendDownForFallProbes_DrainsTheGroupThenRisesAfterRisePasses()
    {
        await using var backend = NamedBackend.Start("a");
        await backend.StopAsync();
        await using var monitor = new MonitorHarness(TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, TestConfig.Tcp(fall: 3, rise: 2))));
        await monitor.StartAsync();
        var check = monitor.Check(0);

        await monitor.ProbeAllAsync(2);
        Assert.Equal((true, 0, 2), (check.Status.Up, check.Status.ConsecutivePasses, check.Status.ConsecutiveFails));
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
        Assert.Contains($"{backend.EndPoint}: connection refused", check.Status.LastResult!.Message, StringComparison.Ordinal);

        await monitor.ProbeAllAsync();
        Assert.False(check.Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Effective);
        Assert.Equal(monitor.Time.GetUtcNow(), check.Status.LastChange);
        var wentDown = check.Status.LastChange;

        backend.Restart();
        await monitor.ProbeAllAsync();
        Assert.Equal((false, 1, 0), (check.Status.Up, check.Status.ConsecutivePasses, check.Status.ConsecutiveFails));
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
        Assert.Equal(wentDown, check.Status.LastChange);

        await monitor.ProbeAllAsync();
        Assert.True(check.Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
        Assert.Equal(monitor.Time.GetUtcNow(), check.Status.LastChange);
    }

    [Theory]
    [InlineData("Draining", "Draining")]
    [InlineData("Disabled", "Disabled")]
    [InlineData("Up", "Up")]
    public async Task Probe_CheckDown_GroupHealthIsItsFallAction(string action, string expected)
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(
            TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 2, rise: 1, action: Enum.Parse<FallAction>(action))));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();

        await monitor.ProbeAllAsync(2);

        Assert.False(monitor.Check(0).Status.Up, monitor.Describe());
        Assert.Equal(Enum.Parse<GroupStatus>(expected), monitor.Group(0).Health);
        Assert.Equal(Enum.Parse<GroupStatus>(expected), monitor.Group(0).Effective);
    }

    [Fact]
    public async Task Probe_SeveralChecksOnOneGroup_MostSevereDownCheckWins()
    {
        using var dataPort = new RefusedPort();
        await using var disabledTarget = NamedBackend.Start("health");
        await using var upTarget = NamedBackend.Start("other");
        await upTarget.StopAsync();
        var config = TestConfig.Proxy(TestConfig.Group(
            0,
            dataPort.EndPoint,
            TestConfig.Tcp(index: 0, fall: 1, rise: 1, action: FallAction.Draining),
            TestConfig.Tcp(index: 1, fall: 1, rise: 1, action: FallAction.Disabled, port: disabledTarget.EndPoint.Port),
            TestConfig.Tcp(index: 2, fall: 1, rise: 1, action: FallAction.Up, port: upTarget.EndPoint.Port)));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();

        await monitor.ProbeAllAsync();
        Assert.Equal((false, true, false), (monitor.Check(0, 0).Status.Up, monitor.Check(0, 1).Status.Up, monitor.Check(0, 2).Status.Up));
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);

        await disabledTarget.StopAsync();
        await monitor.ProbeAllAsync();
        Assert.False(monitor.Check(0, 1).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Disabled, monitor.Group(0).Health);

        disabledTarget.Restart();
        await monitor.ProbeAllAsync();
        Assert.True(monitor.Check(0, 1).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
    }

    [Fact]
    public async Task Probe_ChecksOfOtherGroups_DoNotAffectThisOne()
    {
        using var down = new RefusedPort();
        await using var up = NamedBackend.Start("up");
        var config = TestConfig.Proxy(
            TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 1, rise: 1, action: FallAction.Disabled)),
            TestConfig.Group(1, up.EndPoint, TestConfig.Tcp(fall: 1, rise: 1, action: FallAction.Disabled)),
            TestConfig.Group(2, down.EndPoint));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();

        await monitor.ProbeAllAsync();

        Assert.Equal(GroupStatus.Disabled, monitor.Group(0).Health);
        Assert.Equal(GroupStatus.Up, monitor.Group(1).Health);
        Assert.Equal(GroupStatus.Up, monitor.Group(2).Health);
    }

    [Fact]
    public async Task Probe_BackendNeverAnswers_FailsWhenTheTimeoutPassesOnTheInjectedClock()
    {
        // A timeout longer than any wait of this test: only the fake clock can make it pass in time.
        await using var backend = new RecordingHttpBackend { Hang = true };
        var check = TestConfig.Tcp(fall: 1, rise: 1, interval: TimeSpan.FromSeconds(30), timeout: TimeSpan.FromSeconds(20)) with
        {
            Http = TestConfig.Http("/health"),
        };
        await using var monitor = new MonitorHarness(TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check)));
        await monitor.StartAsync();
        var running = monitor.Check(0);

        monitor.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => backend.Requests.Count == 1, "the probe to reach the backend", diagnostics: () => monitor.Describe());
        monitor.Time.Advance(TimeSpan.FromMilliseconds(19_999));
        Assert.Null(running.Status.LastResult);
        monitor.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.HoldsAsync(() => running.Status.LastResult is not null, "the probe to time out", diagnostics: () => monitor.Describe());
        monitor.Settle();

        Assert.False(running.Status.Up);
        Assert.Equal($"timeout after 20000 ms ({backend.EndPoint}: timeout)", running.Status.LastResult!.Message);
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
    }

    [Fact]
    public async Task Reconcile_UnchangedCheck_KeepsItsCountersAndChangedCheckStartsFresh()
    {
        using var down = new RefusedPort();
        var kept = TestConfig.Tcp(index: 0, fall: 5, rise: 1);
        var changed = TestConfig.Tcp(index: 1, fall: 5, rise: 1);
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, kept, changed));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();
        await monitor.ProbeAllAsync(2);
        var keptBefore = monitor.Check(0, 0);
        var changedBefore = monitor.Check(0, 1);
        Assert.Equal((2, 2), (keptBefore.Status.ConsecutiveFails, changedBefore.Status.ConsecutiveFails));

        var next = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, kept, changed with { Fall = 6 }));
        monitor.Routing.Swap(next);
        monitor.Monitor.Reconcile(next);

        Assert.Same(keptBefore, monitor.Check(0, 0));
        Assert.Equal(2, monitor.Check(0, 0).Status.ConsecutiveFails);
        var changedAfter = monitor.Check(0, 1);
        Assert.NotSame(changedBefore, changedAfter);
        Assert.Equal(HealthCheckStatus.Initial, changedAfter.Status);
        Assert.Equal(6, changedAfter.Config.Fall);
        await changedBefore.Loop.WaitAsync(Eventually.DefaultTimeout);

        await monitor.ProbeAllAsync();
        Assert.Equal(3, monitor.Check(0, 0).Status.ConsecutiveFails);
        Assert.Equal(1, monitor.Check(0, 1).Status.ConsecutiveFails);
    }

    [Fact]
    public async Task Reconcile_DownCheckRemoved_GroupIsUpAgain()
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 1, rise: 1, action: FallAction.Disabled)));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();
        await monitor.ProbeAllAsync();
        Assert.Equal(GroupStatus.Disabled, monitor.Group(0).Health);
        var removed = monitor.Check(0);

        var next = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint));
        monitor.Routing.Swap(next);
        monitor.Monitor.Reconcile(next);

        Assert.Empty(monitor.Monitor.Checks);
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
        await removed.Loop.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task Reconcile_CheckAdded_StartsProbingIt()
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();
        Assert.Empty(monitor.Monitor.Checks);

        var next = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 1, rise: 1)));
        monitor.Routing.Swap(next);
        monitor.Monitor.Reconcile(next);
        await monitor.ProbeAllAsync();

        Assert.False(monitor.Check(0).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
    }
}
