using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Tests.Health.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>Group aggregation: each check up or down as decided, the most severe fall action among those down.</summary>
public sealed class GroupHealthUpdaterTests : IDisposable
{
    private static readonly IPEndPoint Backend = new(IPAddress.Loopback, 9);
    private static readonly DateTimeOffset At = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly LogCapture _log = new();

    [Theory]
    //          own    verdict isolated expected
    [InlineData(true,  null,   false,   true)]
    [InlineData(false, null,   false,   false)]
    [InlineData(true,  false,  false,   false)]
    [InlineData(false, true,   false,   true)]
    [InlineData(true,  true,   false,   true)]
    [InlineData(true,  false,  true,    true)]
    [InlineData(false, true,   true,    false)]
    [InlineData(false, null,   true,    false)]
    public void Decided_OwnVerdictAndIsolation_CommittedVerdictUnlessCutOffOrNone(bool own, bool? verdict, bool isolated, bool expected) =>
        Assert.Equal(expected, GroupHealthUpdater.Decided(own, verdict, isolated));

    [Fact]
    public void Update_CheckDown_GroupTakesItsFallActionAndTheChangeIsLogged()
    {
        var config = Config(TestConfig.Tcp(action: FallAction.Disabled));
        var routing = new RoutingState(config, new GroupStateRegistry());
        var updater = new GroupHealthUpdater(routing, _log.CreateLogger<GroupHealthUpdater>());
        using var check = Running(config, down: true);

        updater.Update(config, [check]);
        updater.Update(config, [check]);

        Assert.Equal(GroupStatus.Disabled, routing.Groups.Get(0).Health);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal("Group 0: health Up -> Disabled (check 0: refused)", entry.Message);
    }

    [Fact]
    public void Update_GroupLostItsChecks_UpAgain()
    {
        var config = Config(TestConfig.Tcp(action: FallAction.Draining));
        var routing = new RoutingState(config, new GroupStateRegistry());
        var updater = new GroupHealthUpdater(routing, _log.CreateLogger<GroupHealthUpdater>());
        using var check = Running(config, down: true);
        updater.Update(config, [check]);

        updater.Update(config with { Groups = [] }, []);

        Assert.Equal(GroupStatus.Up, routing.Groups.Get(0).Health);
        Assert.Equal("Group 0: health Draining -> Up (all checks up)", _log.Entries[^1].Message);
    }

    [Theory]
    [InlineData(false, "Up")]
    [InlineData(true, "Draining")]
    public void Update_InACluster_FollowsTheVerdictUnlessIsolated(bool isolated, string expectedName)
    {
        var expected = Enum.Parse<GroupStatus>(expectedName);
        var config = Config(TestConfig.Tcp(action: FallAction.Draining));
        var routing = new RoutingState(config, new GroupStateRegistry());
        var election = new FixedElection(verdict: true, isolated);
        var updater = new GroupHealthUpdater(routing, _log.CreateLogger<GroupHealthUpdater>(), election);
        using var check = Running(config, down: true);

        updater.Update(config, [check]);

        Assert.Equal(expected, routing.Groups.Get(0).Health);
    }

    private static TcpffeeConfig Config(HealthCheckConfig check) => TestConfig.Proxy(TestConfig.Group(0, Backend, check));

    private static RunningCheck Running(TcpffeeConfig config, bool down)
    {
        var plan = CheckPlan.For(config).Values.Single();
        var status = down ? new HealthCheckStatus(false, 0, 3, new ProbeResult(false, "refused", At), At) : HealthCheckStatus.Initial;
        return new RunningCheck(plan.Identity, plan.Check, plan.Endpoints, new NeverRun(), status);
    }

    private sealed class FixedElection(bool verdict, bool isolated) : IHealthElection
    {
        public bool IsIsolated => isolated;

        public event Action? Changed
        {
            add { }
            remove { }
        }

        public void Observe(HealthCheckIdentity check, bool up)
        {
        }

        public bool? Verdict(HealthCheckIdentity check) => verdict;

        public IReadOnlyList<bool?> Votes(HealthCheckIdentity check) => [verdict];
    }

    private sealed class NeverRun : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the updater never probes");
    }

    public void Dispose() => _log.Dispose();
}
