namespace Tcpffee.Routing;

/// <summary>Why a connection was routed where it was, or why it was not.</summary>
internal enum RouteStatus
{
    /// <summary>The key was stuck to this group and it takes connections.</summary>
    Sticky,

    /// <summary>A new key, assigned to this group now.</summary>
    Assigned,

    /// <summary>The key's group was disabled, gone, or does not serve this port; it was moved to this group.</summary>
    Reassigned,

    /// <summary>The table is full of entries with open connections: routed, but not remembered.</summary>
    NotStored,

    /// <summary>No group is up on this port.</summary>
    NoEligibleGroup,
}
