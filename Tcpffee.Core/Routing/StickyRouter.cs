using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Routing;

/// <summary>Routes a connection by its key: to the key's group while that group takes connections, otherwise to a newly chosen one.</summary>
internal sealed class StickyRouter
{
    private readonly IStickLeases _table;
    private readonly Random _random;
    private readonly Func<int, int> _entriesOf;

    public StickyRouter(IStickLeases table, Random? random = null)
    {
        _table = table;
        _random = random ?? Random.Shared;
        _entriesOf = table.CountForGroup;
    }

    /// <summary>Routes a new connection. The caller disposes the decision's <see cref="RouteDecision.Lease"/> at close.</summary>
    /// <remarks>A known key is routed at once; only a new key may wait, when a cluster has to commit its assignment.</remarks>
    public ValueTask<RouteDecision> RouteAsync(RoutingModel model, int port, StickKey key)
    {
        if (_table.TryOpen(key) is not { } lease)
        {
            return AssignNewAsync(model, port, key, replacing: null, excluded: null);
        }

        int current = lease.GroupId;
        if (model.Find(port, current) is { } route && route.State.Effective != GroupStatus.Disabled)
        {
            return ValueTask.FromResult(new RouteDecision(route, RouteStatus.Sticky, lease));
        }

        // The stuck group is disabled, removed, or does not serve this port: move the key.
        lease.Dispose();
        return AssignNewAsync(model, port, key, replacing: current, excluded: [current]);
    }

    /// <summary>After a failed connect (a new key, or a known one with <c>redispatch</c>), moves the key to another group not tried yet.</summary>
    /// <remarks>The move is a compare-and-set: it applies only while the key is still on the failed group, so racing proxies agree.</remarks>
    public ValueTask<RouteDecision> RerouteAsync(RoutingModel model, int port, StickKey key, RouteDecision failed, IReadOnlyCollection<int> tried)
    {
        failed.Lease?.Dispose();

        return AssignNewAsync(model, port, key, replacing: failed.Route?.GroupId, excluded: tried);
    }

    private async ValueTask<RouteDecision> AssignNewAsync(RoutingModel model, int port, StickKey key, int? replacing, IReadOnlyCollection<int>? excluded)
    {
        var routes = model.RoutesFor(port);
        if (GroupSelector.Choose(routes, _entriesOf, excluded, _random) is not { } chosen)
        {
            return new RouteDecision(null, RouteStatus.NoEligibleGroup);
        }

        var assignment = await _table.AssignAsync(key, chosen.GroupId, replacing).ConfigureAwait(false);
        if (assignment.Status == StickAssignmentStatus.Isolated)
        {
            // Cut off from the cluster's majority: every isolated proxy picks the same group for this key without talking.
            if (GroupSelector.Rendezvous(routes, key, excluded) is not { } agreed)
            {
                // The last eligible group went down while the cluster was being asked.
                return new RouteDecision(null, RouteStatus.NoEligibleGroup);
            }

            chosen = agreed;
            assignment = _table.AssignIsolated(key, chosen.GroupId, replacing);
        }

        switch (assignment.Status)
        {
            case StickAssignmentStatus.NotStored:
                return new RouteDecision(chosen, RouteStatus.NotStored, null);
            case StickAssignmentStatus.Existing when assignment.GroupId != chosen.GroupId:
                // Another connection with the same key assigned it first; follow it so both land together.
                if (model.Find(port, assignment.GroupId) is { } existing && existing.State.Effective != GroupStatus.Disabled)
                {
                    return new RouteDecision(existing, RouteStatus.Sticky, assignment.Lease);
                }

                assignment.Lease?.Dispose();
                if (replacing != assignment.GroupId)
                {
                    // The key's group, unknown here until now (a cluster replica that lags), cannot take it: move it, once.
                    return await AssignNewAsync(model, port, key, assignment.GroupId, [.. excluded ?? [], assignment.GroupId]).ConfigureAwait(false);
                }

                return new RouteDecision(null, RouteStatus.NoEligibleGroup);
            default:
                return new RouteDecision(chosen, replacing is null ? RouteStatus.Assigned : RouteStatus.Reassigned, assignment.Lease);
        }
    }
}
