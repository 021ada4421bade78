using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Routing;

/// <summary>Routes a connection by its key: to the key's group while that group takes connections, otherwise to a newly chosen one.</summary>
internal sealed class StickyRouter
{
    private readonly IStickTable _table;
    private readonly Random _random;
    private readonly Func<int, int> _entriesOf;

    public StickyRouter(IStickTable table, Random? random = null)
    {
        _table = table;
        _random = random ?? Random.Shared;
        _entriesOf = table.CountForGroup;
    }

    public IStickTable Table => _table;

    /// <summary>Routes a new connection. The caller releases the entry at close when <see cref="RouteDecision.HoldsEntry"/>.</summary>
    public RouteDecision Route(RoutingModel model, int port, StickKey key)
    {
        if (_table.Touch(key) is not { } current)
        {
            return AssignNew(model, port, key, replacing: null, excluded: null);
        }

        if (model.Find(port, current) is { } route && route.State.Effective != GroupStatus.Disabled)
        {
            return new RouteDecision(route, RouteStatus.Sticky);
        }

        // The stuck group is disabled, removed, or does not serve this port: move the key.
        _table.Release(key);
        return AssignNew(model, port, key, replacing: current, excluded: [current]);
    }

    /// <summary>After a failed connect for a new key, moves it to another group that has not been tried yet.</summary>
    public RouteDecision Reroute(RoutingModel model, int port, StickKey key, RouteDecision failed, IReadOnlyCollection<int> tried)
    {
        if (failed.HoldsEntry)
        {
            _table.Release(key);
        }

        return AssignNew(model, port, key, replacing: failed.Route?.GroupId, excluded: tried);
    }

    private RouteDecision AssignNew(RoutingModel model, int port, StickKey key, int? replacing, IReadOnlyCollection<int>? excluded)
    {
        if (GroupSelector.Choose(model.RoutesFor(port), _entriesOf, excluded, _random) is not { } chosen)
        {
            return new RouteDecision(null, RouteStatus.NoEligibleGroup);
        }

        var assignment = _table.Assign(key, chosen.GroupId, replacing);
        switch (assignment.Status)
        {
            case StickAssignmentStatus.NotStored:
                return new RouteDecision(chosen, RouteStatus.NotStored);
            case StickAssignmentStatus.Existing when assignment.GroupId != chosen.GroupId:
                // Another connection with the same key assigned it first; follow it so both land together.
                if (model.Find(port, assignment.GroupId) is { } existing && existing.State.Effective != GroupStatus.Disabled)
                {
                    return new RouteDecision(existing, RouteStatus.Sticky);
                }

                _table.Release(key);
                return new RouteDecision(null, RouteStatus.NoEligibleGroup);
            default:
                return new RouteDecision(chosen, replacing is null ? RouteStatus.Assigned : RouteStatus.Reassigned);
        }
    }
}
