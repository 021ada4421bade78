using Microsoft.Extensions.Logging;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Health.Support;

namespace Tcpffee.Tests.Health;

/// <summary>How the monitor saves and restores check states, on a fake clock.</summary>
public sealed class HealthMonitorPersistenceTests
{
    private static readonly DateTimeOffset Earlier = MonitorHarness.Start.AddHours(-1);

    [Fact]
    public async Task StartAsync_SavedDownState_AppliesBeforeAnyProbeAndRisesAfterRisePasses()
    {
        await using var backend = NamedBackend.Start("a");
        var config = TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, TestConfig.Tcp(fall: 1, rise: 2, action: FallAction.Disabled)));
        await using var monitor = new MonitorHarness(config);
        var saved = new HealthCheckStatus(false, 0, 4, new ProbeResult(false, "refused", Earlier), Earlier);
        HealthStateFile.Save(monitor.SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus> { [IdentityOf(config, 0)] = saved });

        await monitor.StartAsync();

        Assert.Equal(saved, monitor.Check(0).Status);
        Assert.Equal(GroupStatus.Disabled, monitor.Group(0).Health);
        Assert.Contains(monitor.Log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("Restored the state of 1 health checks", StringComparison.Ordinal));

        await monitor.ProbeAllAsync();
        Assert.Equal((false, 1), (monitor.Check(0).Status.Up, monitor.Check(0).Status.ConsecutivePasses));
        Assert.Equal(GroupStatus.Disabled, monitor.Group(0).Health);

        await monitor.ProbeAllAsync();
        Assert.True(monitor.Check(0).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
    }

    [Theory]
    [InlineData("interval")]
    [InlineData("fall")]
    [InlineData("endpoint")]
    public async Task StartAsync_SavedStateOfAChangedCheck_StartsFresh(string change)
    {
        await using var backend = NamedBackend.Start("a");
        using var other = new RefusedPort();
        var check = TestConfig.Tcp(fall: 1, rise: 5);
        var savedConfig = TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check));
        var config = change switch
        {
            "interval" => TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check with { Interval = TimeSpan.FromSeconds(6) })),
            "fall" => TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check with { Fall = 2 })),
            _ => TestConfig.Proxy(TestConfig.Group(0, other.EndPoint, check)),
        };
        await using var monitor = new MonitorHarness(config);
        HealthStateFile.Save(monitor.SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus>
        {
            [IdentityOf(savedConfig, 0)] = new(false, 0, 3, new ProbeResult(false, "refused", Earlier), Earlier),
        });

        await monitor.StartAsync();

        Assert.Equal(HealthCheckStatus.Initial, monitor.Check(0).Status);
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("one bad record")]
    public async Task StartAsync_CorruptSaveFile_WarnsAndStartsEveryCheckUp(string damage)
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(
            TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 1)),
            TestConfig.Group(1, down.EndPoint, TestConfig.Tcp(fall: 1, action: FallAction.Disabled)));
        await using var monitor = new MonitorHarness(config);
        HealthStateFile.Save(monitor.SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus>
        {
            [IdentityOf(config, 0)] = new(false, 0, 3, null, Earlier),
            [IdentityOf(config, 1)] = new(false, 0, 3, null, Earlier),
        });
        var text = File.ReadAllText(monitor.SavePath);
        File.WriteAllText(monitor.SavePath, damage switch
        {
            "garbage" => "\u0001\u0002 this is not JSON",
            "truncated" => text[..(text.Length / 2)],
            _ => text.Replace(IdentityOf(config, 1).ToString(), "1/0/", StringComparison.Ordinal),
        });

        await monitor.StartAsync();

        var warning = Assert.Single(monitor.Log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains($"Cannot restore health check state from {monitor.SavePath}", warning.Message, StringComparison.Ordinal);
        Assert.Equal(HealthCheckStatus.Initial, monitor.Check(0).Status);
        Assert.Equal(HealthCheckStatus.Initial, monitor.Check(1).Status);
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
        Assert.Equal(GroupStatus.Up, monitor.Group(1).Health);
    }

    [Fact]
    public async Task Record_Flip_IsSavedAtOnce()
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 1)));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();

        // The first probe runs within half a second (the jitter of a 5 s interval), before the 1 s save timer is due.
        await monitor.ProbeAllAsync();

        var saved = HealthStateFile.Load(monitor.SavePath, out var error);
        Assert.Null(error);
        var status = Assert.Single(saved).Value;
        Assert.False(status.Up);
        Assert.Equal(monitor.Check(0).Status, status);
    }

    [Fact]
    public async Task Record_CountersWithoutFlip_AreSavedWithinOneSecond()
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 5)));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();

        await monitor.ProbeAllAsync();
        Assert.Equal(1, monitor.Check(0).Status.ConsecutiveFails);
        monitor.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(monitor.Check(0).Status, SavedStatus(monitor));

        await monitor.ProbeAllAsync();
        Assert.Equal(2, monitor.Check(0).Status.ConsecutiveFails);
        monitor.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(monitor.Check(0).Status, SavedStatus(monitor));
    }

    [Fact]
    public async Task StopAsync_SavesTheLatestState()
    {
        using var down = new RefusedPort();
        var config = TestConfig.Proxy(TestConfig.Group(0, down.EndPoint, TestConfig.Tcp(fall: 5)));
        await using var monitor = new MonitorHarness(config);
        await monitor.StartAsync();
        await monitor.ProbeAllAsync();
        var latest = monitor.Check(0).Status;
        Assert.Equal(1, latest.ConsecutiveFails);

        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await monitor.Monitor.StopAsync(timeout.Token);

        Assert.Equal(latest, SavedStatus(monitor));
    }

    [Fact]
    public async Task Reconcile_CheckChangedAndChangedBack_DoesNotRevertToTheStateRestoredAtStart()
    {
        await using var backend = NamedBackend.Start("a");
        var check = TestConfig.Tcp(fall: 1, rise: 1);
        var original = TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check));
        var changed = TestConfig.Proxy(TestConfig.Group(0, backend.EndPoint, check with { Fall = 2 }));
        await using var monitor = new MonitorHarness(original);
        HealthStateFile.Save(monitor.SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus>
        {
            [IdentityOf(original, 0)] = new(false, 0, 3, null, Earlier),
        });
        await monitor.StartAsync();
        Assert.Equal(GroupStatus.Draining, monitor.Group(0).Health);
        await monitor.ProbeAllAsync();
        Assert.True(monitor.Check(0).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);

        monitor.Routing.Swap(changed);
        monitor.Monitor.Reconcile(changed);
        monitor.Routing.Swap(original);
        monitor.Monitor.Reconcile(original);

        // The backend has answered since the start; the state saved before the start is long out of date.
        Assert.True(monitor.Check(0).Status.Up, monitor.Describe());
        Assert.Equal(GroupStatus.Up, monitor.Group(0).Health);
    }

    private static HealthCheckIdentity IdentityOf(TcpffeeConfig config, int groupId, int index = 0)
    {
        var group = config.Groups.Single(g => g.Id == groupId);
        var check = group.HealthChecks[index];
        return HealthCheckIdentity.For(groupId, check, HealthCheckTargets.For(config, group, check));
    }

    private static HealthCheckStatus SavedStatus(MonitorHarness monitor)
    {
        var saved = HealthStateFile.Load(monitor.SavePath, out var error);
        Assert.Null(error);
        return Assert.Single(saved).Value;
    }
}
