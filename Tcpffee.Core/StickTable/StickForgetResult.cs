namespace Tcpffee.StickTable;

/// <summary>What <see cref="IStickTableAdmin.ForgetAsync"/> did.</summary>
internal enum StickForgetResult
{
    /// <summary>The entry was removed; its client is assigned afresh on its next connection.</summary>
    Forgotten,

    /// <summary>No alive entry has that key.</summary>
    NotFound,

    /// <summary>
    /// The entry has open connections and was kept, as HAProxy keeps table entries in use: their closing connections
    /// would otherwise be counted against whatever entry the key has next.
    /// </summary>
    InUse,

    /// <summary>The cluster could not commit the removal in time (no majority); nothing changed.</summary>
    Unavailable,
}
