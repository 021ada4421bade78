namespace Tcpffee.StickTable;

// Connection lifecycle operations: open an existing entry, assign and release; the leases of the data path's port wrap them.
internal sealed partial class LocalStickTable
{
    public StickLease? TryOpen(StickKey key) => OpenExisting(key) is { } groupId ? new StickLease(key, groupId, _release, _abandon) : null;

    public ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null) =>
        ValueTask.FromResult(WithLease(key, Assign(key, groupId, replacing)));

    /// <summary>A local table is never cut off from a majority; an isolated assignment is an ordinary one.</summary>
    public StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null) => WithLease(key, Assign(key, groupId, replacing));

    /// <summary>Records a connection opening on the alive entry for <paramref name="key"/> and returns its group, or null if there is none.</summary>
    /// <remarks>The caller owes one <see cref="Release"/>; connections go through <see cref="TryOpen"/>, which owes it for them.</remarks>
    public int? OpenExisting(StickKey key)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            if (!_byKey.TryGetValue(key, out var entry))
            {
                return null;
            }

            OpenConnection(entry);
            return entry.GroupId;
        }
    }

    /// <summary>Records a connection opening for <paramref name="key"/> that wants <paramref name="groupId"/>; see <see cref="StickAssignmentStatus"/>.</summary>
    /// <remarks>Unless nothing was stored, the caller owes one <see cref="Release"/>; <see cref="AssignAsync"/> returns a lease that owes it.</remarks>
    public StickAssignment Assign(StickKey key, int groupId, int? replacing = null)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            if (_byKey.TryGetValue(key, out var entry))
            {
                OpenConnection(entry);
                if (replacing != entry.GroupId)
                {
                    return new StickAssignment(entry.GroupId, StickAssignmentStatus.Existing);
                }

                _index.Leave(entry);
                entry.GroupId = groupId;
                _index.Join(entry);
                return new StickAssignment(groupId, StickAssignmentStatus.Reassigned);
            }

            if (!MakeRoomForOne())
            {
                return new StickAssignment(groupId, StickAssignmentStatus.NotStored);
            }

            AddEntry(new StickEntry(key, groupId) { Open = 1 });
            return new StickAssignment(groupId, StickAssignmentStatus.Assigned);
        }
    }

    /// <summary>Records a connection that reached its backend closing; when none remain open the expiration countdown starts.</summary>
    public void Release(StickKey key) => Release(key, served: true);

    /// <summary>
    /// Records a connection closing that never reached a backend: the entry's countdown is left where the last served
    /// connection put it, and an entry no connection was ever served by goes.
    /// </summary>
    public void Abandon(StickKey key) => Release(key, served: false);

    private void Release(StickKey key, bool served)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            DropExpired(now);

            // Unknown or already idle: the entry was removed (or replaced) while this connection was open.
            if (!_byKey.TryGetValue(key, out var entry) || entry.Open == 0)
            {
                return;
            }

            if (served)
            {
                // Stamped even while other connections stay open: an abandoned one closing last must not undo it.
                entry.IdleSince = now;
                entry.Served = true;
            }

            if (--entry.Open != 0)
            {
                return;
            }

            if (!entry.Served)
            {
                RemoveEntry(entry);
                return;
            }

            if (served)
            {
                _idle.AddLast(entry);
            }
            else
            {
                _idle.InsertOrdered(entry);
                DropExpired(now);
            }

            TrimToBound();
        }
    }

    private StickAssignment WithLease(StickKey key, StickAssignment assignment) =>
        assignment.Status == StickAssignmentStatus.NotStored ? assignment : assignment with { Lease = new StickLease(key, assignment.GroupId, _release, _abandon) };

    private void OpenConnection(StickEntry entry)
    {
        if (entry.Open++ == 0)
        {
            _idle.Remove(entry);
        }
    }
}
