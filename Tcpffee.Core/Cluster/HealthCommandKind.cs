namespace Tcpffee.Cluster;

/// <summary>The health group's replicated commands; the value is the Raft entry's command id.</summary>
internal enum HealthCommandKind
{
    /// <summary>One proxy's latest observation of one check.</summary>
    Observe = 1,

    /// <summary>An operator sets a group's status (Up clears the override).</summary>
    Override = 2,
}
