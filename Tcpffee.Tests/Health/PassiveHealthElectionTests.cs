using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>In a cluster, a proxy's passive view is its vote, and routing follows the committed verdict like an active check's.</summary>
public sealed class PassiveHealthElectionTests : IDisposable
{
    private readonly FakeElection _election = new();
    private readonly RoutingState _routing = new(TestConfig.OnePort(new IPEndPoint(IPAddress.Loopback, 9)), new GroupStateRegistry());
    private readonly PassiveHealth _passive;

    public PassiveHealthElectionTests()
    {
        _passive = new PassiveHealth(_routing, new FakeTimeProvider(), NullLogger<PassiveHealth>.Instance, _election);
    }

    [Fact]
    public void ConnectFailures_OneProxysVote_MajorityStillUp_GroupStaysUp()
    {
        _election.Verdicts[PassiveHealth.IdentityOf(0)] = true;

        Fail(3);

        Assert.Equal((PassiveHealth.IdentityOf(0), false), _election.Observed[^1]);
        Assert.Equal(GroupStatus.Up, _routing.Groups.Get(0).Passive);
    }

    [Fact]
    public void CommittedVerdictDown_GroupDrainingOnEveryProxy_EvenOneThatSawNoFailure()
    {
        _election.Verdicts[PassiveHealth.IdentityOf(0)] = false;
        _election.RaiseChanged();

        Assert.Equal(GroupStatus.Draining, _routing.Groups.Get(0).Passive);
    }

    [Fact]
    public void Isolated_OwnViewDecides()
    {
        _election.Verdicts[PassiveHealth.IdentityOf(0)] = true;
        _election.IsIsolated = true;

        Fail(3);

        Assert.Equal(GroupStatus.Draining, _routing.Groups.Get(0).Passive);
    }

    public void Dispose() => _passive.Dispose();

    private void Fail(int times)
    {
        for (var i = 0; i < times; i++)
        {
            _passive.ConnectFailed(0);
        }
    }

    private sealed class FakeElection : IHealthElection
    {
        public Dictionary<HealthCheckIdentity, bool> Verdicts { get; } = [];

        public List<(HealthCheckIdentity Check, bool Up)> Observed { get; } = [];

        public bool IsIsolated { get; set; }

        public event Action? Changed;

        public void RaiseChanged() => Changed?.Invoke();

        public void Observe(HealthCheckIdentity check, bool up) => Observed.Add((check, up));

        public bool? Verdict(HealthCheckIdentity check) => Verdicts.TryGetValue(check, out var up) ? up : null;

        public IReadOnlyList<bool?> Votes(HealthCheckIdentity check) => [];
    }
}
