using Tcpffee.Model;
using Tcpffee.Routing;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;
using static Tcpffee.Tests.Routing.RouteBuilder;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>A proxy cut off from the cluster's majority assigns new keys by rendezvous, so isolated proxies agree.</summary>
public sealed class IsolatedRoutingTests
{
    private const int Port = 5380;

    private readonly GroupStateRegistry _states = new();
    private readonly FakeStickTable _table = new();
    private readonly RoutingModel _model;

    public IsolatedRoutingTests()
    {
        var config = Config([Port], [Port], [Port], [Port]);
        _states.Apply(config);
        _model = new RoutingModel(config, _states);
    }

    private int RendezvousGroup(StickKey key, IReadOnlyCollection<int>? excluded = null) =>
        GroupSelector.Rendezvous(_model.RoutesFor(Port), key, excluded)!.GroupId;

    /// <summary>Makes the least-loaded choice pick <paramref name="group"/>: every other group has more entries.</summary>
    private void LeastLoaded(int group)
    {
        for (var g = 0; g < 3; g++)
        {
            _table.EntriesByGroup[g] = g == group ? 0 : 10;
        }
    }

    [Fact]
    public async Task Route_NewKeyWhileIsolated_AssignsIsolatedToRendezvousGroup()
    {
        var key = Key(1);
        var rendezvous = RendezvousGroup(key);
        var leastLoaded = (rendezvous + 1) % 3;
        LeastLoaded(leastLoaded);
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        Assert.Equal((key, leastLoaded, (int?)null), Assert.Single(_table.AssignAsyncCalls));
        Assert.Equal((key, rendezvous, (int?)null), Assert.Single(_table.AssignIsolatedCalls));
        Assert.Equal((rendezvous, RouteStatus.Assigned), (decision.Route!.GroupId, decision.Status));
        Assert.True((decision.Lease is not null));
        Assert.Equal(rendezvous, _table.Lookup(key));
    }

    [Fact]
    public async Task Route_NotIsolated_LeastLoadedGroupAndAssignIsolatedNeverCalled()
    {
        var key = Key(1);
        var leastLoaded = (RendezvousGroup(key) + 1) % 3;
        LeastLoaded(leastLoaded);
        _table.Isolated = false;
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        Assert.Equal((leastLoaded, RouteStatus.Assigned), (decision.Route!.GroupId, decision.Status));
        Assert.Empty(_table.AssignIsolatedCalls);
    }

    [Fact]
    public async Task Route_TwoIsolatedProxiesWithDifferentLoads_AgreeOnEveryKey()
    {
        var other = new FakeStickTable();
        other.EntriesByGroup[0] = 50;
        _table.EntriesByGroup[2] = 50;
        var here = new StickyRouter(_table, new Random(1));
        var there = new StickyRouter(other, new Random(2));

        for (var n = 0; n < 60; n++)
        {
            var a = await here.RouteAsync(_model, Port, Key(n));
            var b = await there.RouteAsync(_model, Port, Key(n));

            Assert.Equal(a.Route!.GroupId, b.Route!.GroupId);
            Assert.Equal(RendezvousGroup(Key(n)), a.Route.GroupId);
        }

        Assert.Equal(3, _table.AssignIsolatedCalls.Select(c => c.GroupId).Distinct().Count());
    }

    [Fact]
    public async Task Route_RendezvousGroupDrainingWhileIsolated_RendezvousAmongGroupsUp()
    {
        var key = Key(4);
        var first = RendezvousGroup(key);
        _states.Get(first).SetAdmin(GroupStatus.Draining);
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        var expected = RendezvousGroup(key);
        Assert.NotEqual(first, expected);
        Assert.Equal((expected, RouteStatus.Assigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(expected, Assert.Single(_table.AssignIsolatedCalls).GroupId);
    }

    [Fact]
    public async Task Reroute_WhileIsolated_RendezvousAmongUntriedGroupsReplacingTheFailedOne()
    {
        var key = Key(7);
        var router = new StickyRouter(_table, new Random(1));
        var failed = await router.RouteAsync(_model, Port, key);
        var tried = new List<int> { failed.Route!.GroupId };

        var decision = await router.RerouteAsync(_model, Port, key, failed, tried);

        var expected = RendezvousGroup(key, tried);
        Assert.NotEqual(failed.Route.GroupId, expected);
        Assert.Equal((key, expected, (int?)failed.Route.GroupId), _table.AssignIsolatedCalls[^1]);
        Assert.Equal((expected, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(new[] { key }, _table.Releases);
        Assert.Equal(expected, _table.Lookup(key));
    }

    [Fact]
    public async Task Route_KnownKeyOnDisabledGroupWhileIsolated_MovedToRendezvousOfTheOthers()
    {
        var key = Key(9);
        var stuck = RendezvousGroup(key);
        _table.Seed(key, stuck);
        _states.Get(stuck).SetAdmin(GroupStatus.Disabled);
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        var expected = RendezvousGroup(key, [stuck]);
        Assert.Equal((key, expected, (int?)stuck), Assert.Single(_table.AssignIsolatedCalls));
        Assert.Equal((expected, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(expected, _table.Lookup(key));
    }

    [Fact]
    public async Task Route_IsolatedAssignFindsAnotherGroup_FollowsIt()
    {
        var key = Key(2);
        var existing = (RendezvousGroup(key) + 2) % 3;
        _table.IsolatedAnswer = (_, _, _) => new StickAssignment(existing, StickAssignmentStatus.Existing);
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        Assert.Equal((existing, RouteStatus.Sticky), (decision.Route!.GroupId, decision.Status));
    }

    [Fact]
    public async Task Route_LeaderAnswersWithADisabledGroupUnknownHere_MovedOnceToAnotherGroup()
    {
        var key = Key(3);
        _table.Isolated = false;
        LeastLoaded(0);
        _table.CommittedElsewhere[key] = 1;
        _states.Get(1).SetAdmin(GroupStatus.Disabled);
        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, key);

        Assert.Equal([(key, 0, null), (key, 0, 1)], _table.AssignAsyncCalls);
        Assert.Equal((0, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(0, _table.Lookup(key));
    }

    [Fact]
    public async Task Route_IsolatedAndNoGroupUp_NoEligibleGroupWithoutProposing()
    {
        for (var g = 0; g < 3; g++)
        {
            _states.Get(g).SetAdmin(GroupStatus.Draining);
        }

        var router = new StickyRouter(_table, new Random(1));

        var decision = await router.RouteAsync(_model, Port, Key(1));

        Assert.Equal(RouteStatus.NoEligibleGroup, decision.Status);
        Assert.Empty(_table.AssignAsyncCalls);
        Assert.Empty(_table.AssignIsolatedCalls);
    }
}
