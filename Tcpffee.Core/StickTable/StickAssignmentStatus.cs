namespace Tcpffee.StickTable;

/// <summary>What <see cref="IStickLeases.AssignAsync"/> did with the requested group.</summary>
internal enum StickAssignmentStatus
{
    /// <summary>No alive entry existed; one was created with the requested group.</summary>
    Assigned,

    /// <summary>An alive entry existed and its group was kept.</summary>
    Existing,

    /// <summary>An alive entry pointed at the replaced group and now points at the requested one.</summary>
    Reassigned,

    /// <summary>The table is full of entries with open connections; nothing was stored and the caller must not release.</summary>
    NotStored,

    /// <summary>A replicated table cannot reach the majority; the caller chooses by rendezvous and calls <see cref="IStickLeases.AssignIsolated"/>.</summary>
    Isolated,
}
