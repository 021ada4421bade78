namespace Tcpffee.StickTable;

/// <summary>
/// The data path's port on the stick table: a connection looks up or assigns its key and holds a
/// <see cref="StickLease"/> on the entry until it closes.
/// </summary>
internal interface IStickLeases
{
    /// <summary>Opens a lease on the alive entry for <paramref name="key"/>, or returns null when there is none.</summary>
    StickLease? TryOpen(StickKey key);

    /// <summary>
    /// Opens a lease for <paramref name="key"/> that wants <paramref name="groupId"/>; see <see cref="StickAssignmentStatus"/>.
    /// A replicated table waits for the cluster to commit the assignment, and answers
    /// <see cref="StickAssignmentStatus.Isolated"/> when it cannot reach the majority.
    /// </summary>
    /// <param name="key">The client key.</param>
    /// <param name="groupId">The group chosen for a new entry.</param>
    /// <param name="replacing">When the alive entry points at this group, move it to <paramref name="groupId"/> instead of keeping it.</param>
    ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null);

    /// <summary>Like <see cref="AssignAsync"/> for a key assigned without the cluster, to be proposed when the majority is back.</summary>
    StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null);

    /// <summary>Returns the number of alive entries pointing at <paramref name="groupId"/>, in O(1).</summary>
    int CountForGroup(int groupId);
}
