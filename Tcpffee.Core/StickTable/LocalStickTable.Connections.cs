namespace Tcpffee.StickTable;

// Connection lifecycle operations: lookup, touch, assign and release.
internal sealed partial class LocalStickTable
{
    public int? Lookup(StickKey key)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            return _byKey.TryGetValue(key, out var entry) ? entry.GroupId : null;
        }
    }

    public int? Touch(StickKey key)
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

                DecrementGroup(entry.GroupId);
                entry.GroupId = groupId;
                IncrementGroup(groupId);
                return new StickAssignment(groupId, StickAssignmentStatus.Reassigned);
            }

            if (!MakeRoomForOne())
            {
                return new StickAssignment(groupId, StickAssignmentStatus.NotStored);
            }

            _entries.Add(new StickEntry(key, groupId) { Open = 1 });
            IncrementGroup(groupId);
            return new StickAssignment(groupId, StickAssignmentStatus.Assigned);
        }
    }

    public void Release(StickKey key)
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

            if (--entry.Open == 0)
            {
                entry.IdleSince = now;
                _idle.AddLast(entry);
                TrimToBound();
            }
        }
    }

    private void OpenConnection(StickEntry entry)
    {
        if (entry.Open++ == 0)
        {
            _idle.Remove(entry);
        }
    }
}
