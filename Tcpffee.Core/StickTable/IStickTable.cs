namespace Tcpffee.StickTable;

/// <summary>Maps client keys to backend groups, remembering each mapping while connections are open and for an expiration after.</summary>
/// <remarks>
/// An entry is alive while it has open connections and for the configured expiration after the last one closes.
/// Expired entries are absent for every operation, whether or not they have been swept yet.
/// </remarks>
internal interface IStickTable
{
    /// <summary>Gets the number of alive entries.</summary>
    int Count { get; }

    /// <summary>Gets how long an entry stays alive after its last activity.</summary>
    TimeSpan Expiration { get; }

    /// <summary>Gets the number of entries removed to stay under <c>stick_table_max_entries</c> (not those that expired).</summary>
    long Evictions { get; }

    /// <summary>Returns the group of the alive entry for <paramref name="key"/>, without side effects.</summary>
    int? Lookup(StickKey key);

    /// <summary>Records a connection opening on the alive entry for <paramref name="key"/> and returns its group, or null if there is none.</summary>
    int? Touch(StickKey key);

    /// <summary>Records a connection opening for <paramref name="key"/> that wants <paramref name="groupId"/>; see <see cref="StickAssignmentStatus"/>.</summary>
    /// <param name="key">The client key.</param>
    /// <param name="groupId">The group chosen for a new entry.</param>
    /// <param name="replacing">When the alive entry points at this group, move it to <paramref name="groupId"/> instead of keeping it.</param>
    StickAssignment Assign(StickKey key, int groupId, int? replacing = null);

    /// <summary>
    /// Like <see cref="Assign"/>, but a replicated table waits for the cluster to commit the assignment, and answers
    /// <see cref="StickAssignmentStatus.Isolated"/> when it cannot reach the majority.
    /// </summary>
    ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null) => ValueTask.FromResult(Assign(key, groupId, replacing));

    /// <summary>Records a connection for a key assigned without the cluster, to be proposed when the majority is back.</summary>
    StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null) => Assign(key, groupId, replacing);

    /// <summary>Records a connection closing; when none remain open the expiration countdown starts.</summary>
    void Release(StickKey key);

    /// <summary>Returns the number of alive entries pointing at <paramref name="groupId"/>, in O(1).</summary>
    int CountForGroup(int groupId);

    /// <summary>Returns a copy of all alive entries.</summary>
    IReadOnlyList<StickEntrySnapshot> Snapshot();

    /// <summary>Removes the entry for <paramref name="key"/>, even with open connections; returns whether it was alive.</summary>
    bool Remove(StickKey key);

    /// <summary>An operator's removal: forgets the entry for <paramref name="key"/> unless connections with it are open.</summary>
    StickForgetResult Forget(StickKey key);

    /// <summary>Like <see cref="Forget"/>; a replicated table waits for the cluster to commit the removal.</summary>
    ValueTask<StickForgetResult> ForgetAsync(StickKey key) => ValueTask.FromResult(Forget(key));

    /// <summary>Removes every entry pointing at <paramref name="groupId"/> and returns how many were removed.</summary>
    int RemoveGroup(int groupId);

    /// <summary>Forgets expired entries now and returns how many were removed.</summary>
    int SweepExpired();

    /// <summary>Applies new settings; shrinking the bound evicts idle entries, longest idle first.</summary>
    void Configure(TimeSpan expiration, int maxEntries);
}
