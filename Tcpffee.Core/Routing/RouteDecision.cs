using Tcpffee.Model;

namespace Tcpffee.Routing;

/// <summary>Where a connection goes, and whether it holds a reference on its stick entry that must be released at close.</summary>
internal readonly record struct RouteDecision(GroupRoute? Route, RouteStatus Status)
{
    /// <summary>True when the stick table counts this connection, so closing it must call Release.</summary>
    public bool HoldsEntry => Route is not null && Status != RouteStatus.NotStored;

    /// <summary>True when the key had no usable group before, so a failed connect may try another group.</summary>
    public bool IsNewKey => Status is RouteStatus.Assigned or RouteStatus.Reassigned or RouteStatus.NotStored;
}
