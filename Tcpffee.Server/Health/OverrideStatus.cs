namespace Tcpffee.Health;

/// <summary>What became of an operator's override.</summary>
internal enum OverrideStatus
{
    /// <summary>In force, and saved (or committed, in a cluster) so it outlives a restart.</summary>
    Applied,

    /// <summary>In a cluster, the majority could not commit it; nothing changed.</summary>
    NoMajority,

    /// <summary>In force in memory, but the health state file could not be written: a restart now would lose it.</summary>
    NotSaved,
}
