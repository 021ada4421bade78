using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Routing;

/// <summary>Where a connection goes, and its lease on its stick entry, to dispose at close.</summary>
/// <param name="Lease">The connection's hold on its entry; null when the table stored nothing or no group was found.</param>
internal readonly record struct RouteDecision(GroupRoute? Route, RouteStatus Status, StickLease? Lease = null)
{
    /// <summary>True when the key had no usable group before, so a failed connect may try another group.</summary>
    public bool IsNewKey => Status is RouteStatus.Assigned or RouteStatus.Reassigned or RouteStatus.NotStored;
}
