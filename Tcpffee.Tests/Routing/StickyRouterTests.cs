using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Model;
using Tcpffee.Routing;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Routing.RouteBuilder;

namespace Tcpffee.Tests.Routing;

/// <summary>Routing by key: sticky while the key's group takes connections, re-chosen when it is disabled, gone or does not serve the port.</summary>
public sealed class StickyRouterTests
{
    private const int PortA = 5280;
    private const int PortB = 5281;

    private static readonly StickKey Key = StickKey.FromAddress(IPAddress.Parse("10.0.0.1"));
    private static readonly StickKey OtherKey = StickKey.FromAddress(IPAddress.Parse("10.0.0.2"));

    private readonly FakeTimeProvider _time = new();
    private readonly GroupStateRegistry _states = new();

    private LocalStickTable NewTable(int maxEntries = 100) => new(TimeSpan.FromMinutes(1), maxEntries, _time);

    private RoutingModel Model(int[] ports, params int[][] portsByGroup)
    {
        var config = Config(ports, portsByGroup);
        _states.Apply(config);
        return new RoutingModel(config, _states);
    }

    /// <summary>Two groups, both serving both ports.</summary>
    private RoutingModel TwoGroups() => Model([PortA, PortB], [PortA, PortB], [PortA, PortB]);

    [Fact]
    public async Task Route_NewKey_AssignedAndHoldsEntry()
    {
        var table = NewTable();
        var router = new StickyRouter(table, new Random(1));

        var decision = await router.RouteAsync(TwoGroups(), PortA, Key);

        Assert.Equal(RouteStatus.Assigned, decision.Status);
        Assert.True((decision.Lease is not null));
        Assert.True(decision.IsNewKey);
        Assert.Equal(decision.Route!.GroupId, table.Lookup(Key));
        Assert.Equal(1, Assert.Single(table.Snapshot()).OpenConnections);
    }

    [Fact]
    public async Task Route_KnownKey_StickyToItsGroupOnEveryPort()
    {
        var table = NewTable();
        var router = new StickyRouter(table, new Random(1));
        var model = TwoGroups();
        var first = (await router.RouteAsync(model, PortA, Key)).Route!.GroupId;

        // Another key on the other group would even the counts; the known key must not follow them.
        await router.RouteAsync(model, PortA, OtherKey);
        var decisions = new[] { (await router.RouteAsync(model, PortA, Key)), (await router.RouteAsync(model, PortB, Key)), (await router.RouteAsync(model, PortA, Key)) };

        Assert.All(decisions, d => Assert.Equal((first, RouteStatus.Sticky), (d.Route!.GroupId, d.Status)));
        Assert.All(decisions, d => Assert.False(d.IsNewKey));
        Assert.Equal(model.Find(PortB, first)!.Backend, decisions[1].Route!.Backend);
        Assert.Equal(4, table.Snapshot().Single(e => e.Key == Key).OpenConnections);
    }

    [Fact]
    public async Task Route_KnownKeyGroupDraining_StaysSticky()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = TwoGroups();
        var group = (await router.RouteAsync(model, PortA, Key)).Route!.GroupId;

        _states.Get(group).SetAdmin(GroupStatus.Draining);
        var decision = (await router.RouteAsync(model, PortA, Key));

        Assert.Equal((group, RouteStatus.Sticky), (decision.Route!.GroupId, decision.Status));
    }

    [Fact]
    public async Task Route_KnownKeyGroupDisabled_ReassignedAndEntryMoved()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = TwoGroups();
        var group = (await router.RouteAsync(model, PortA, Key)).Route!.GroupId;

        _states.Get(group).SetAdmin(GroupStatus.Disabled);
        var decision = (await router.RouteAsync(model, PortA, Key));

        Assert.Equal((1 - group, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.True((decision.Lease is not null));
        Assert.True(decision.IsNewKey);
        var entry = Assert.Single(table.Snapshot());
        Assert.Equal((1 - group, 2), (entry.GroupId, entry.OpenConnections));
        Assert.Equal(0, table.CountForGroup(group));
    }

    [Fact]
    public async Task Route_KnownKeyGroupGoneAfterReload_ReassignedToRemainingGroup()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var before = Model([PortA], [PortA], [PortA]);
        _states.Get(1).SetAdmin(GroupStatus.Draining);
        Assert.Equal(0, (await router.RouteAsync(before, PortA, Key)).Route!.GroupId);
        _states.Get(1).SetAdmin(GroupStatus.Up);

        var after = new RoutingModel(before.Config with { Groups = [before.Config.Groups[1]] }, _states);
        var decision = (await router.RouteAsync(after, PortA, Key));

        Assert.Equal((1, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(1, table.Lookup(Key));
    }

    [Fact]
    public async Task Route_KnownKeyGroupDoesNotServePort_ReassignedToGroupThatDoes()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = Model([PortA, PortB], [PortA], [PortB]);
        Assert.Equal(0, (await router.RouteAsync(model, PortA, Key)).Route!.GroupId);

        var decision = (await router.RouteAsync(model, PortB, Key));

        Assert.Equal((1, RouteStatus.Reassigned), (decision.Route!.GroupId, decision.Status));
        Assert.Equal(1, table.Lookup(Key));
    }

    [Fact]
    public async Task Route_NoGroupUp_NoEligibleGroupAndNothingStored()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = TwoGroups();
        _states.Get(0).SetAdmin(GroupStatus.Disabled);
        _states.Get(1).SetAdmin(GroupStatus.Draining);

        var decision = (await router.RouteAsync(model, PortA, Key));

        Assert.Equal(RouteStatus.NoEligibleGroup, decision.Status);
        Assert.Null(decision.Route);
        Assert.False((decision.Lease is not null));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public async Task Reroute_AfterConnectFailure_ReleasesAndMovesToUntriedGroup()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = Model([PortA], [PortA], [PortA], [PortA]);
        var failed = (await router.RouteAsync(model, PortA, Key));
        var tried = new List<int> { failed.Route!.GroupId };

        var second = (await router.RerouteAsync(model, PortA, Key, failed, tried));
        tried.Add(second.Route!.GroupId);
        var third = (await router.RerouteAsync(model, PortA, Key, second, tried));

        Assert.Equal(RouteStatus.Reassigned, second.Status);
        Assert.Equal(RouteStatus.Reassigned, third.Status);
        Assert.Equal(3, tried.Append(third.Route!.GroupId).Distinct().Count());
        var entry = Assert.Single(table.Snapshot());
        Assert.Equal((third.Route.GroupId, 1), (entry.GroupId, entry.OpenConnections));
    }

    [Fact]
    public async Task Reroute_EveryGroupTried_NoEligibleGroupAndNewKeyNotKept()
    {
        var table = NewTable();
        var router = new StickyRouter(table);
        var model = TwoGroups();
        var failed = (await router.RouteAsync(model, PortA, Key));

        var decision = (await router.RerouteAsync(model, PortA, Key, failed, [0, 1]));

        Assert.Equal(RouteStatus.NoEligibleGroup, decision.Status);
        Assert.Null(decision.Route);

        // No connection with the key ever reached a backend, so nothing is remembered for it.
        Assert.Empty(table.Snapshot());
    }

    [Fact]
    public async Task Route_TableFullOfOpenEntries_RoutedButNotStored()
    {
        var table = NewTable(maxEntries: 1);
        var router = new StickyRouter(table);
        var model = TwoGroups();
        await router.RouteAsync(model, PortA, OtherKey);

        var decision = (await router.RouteAsync(model, PortA, Key));

        Assert.Equal(RouteStatus.NotStored, decision.Status);
        Assert.NotNull(decision.Route);
        Assert.False((decision.Lease is not null));
        Assert.True(decision.IsNewKey);
        Assert.Null(table.Lookup(Key));
        Assert.Equal(OtherKey, Assert.Single(table.Snapshot()).Key);
    }

    [Fact]
    public async Task Route_TableFullButOneEntryIdle_IdleEntryEvictedAndKeyStored()
    {
        var table = NewTable(maxEntries: 1);
        var router = new StickyRouter(table);
        var model = TwoGroups();
        await router.RouteAsync(model, PortA, OtherKey);
        table.Release(OtherKey);

        var decision = (await router.RouteAsync(model, PortA, Key));

        Assert.Equal(RouteStatus.Assigned, decision.Status);
        Assert.Equal(Key, Assert.Single(table.Snapshot()).Key);
    }
}
