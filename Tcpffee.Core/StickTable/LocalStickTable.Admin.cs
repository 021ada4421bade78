namespace Tcpffee.StickTable;

// Administrative operations: snapshot, removal and restoring saved entries.
internal sealed partial class LocalStickTable
{
    public IReadOnlyList<StickEntrySnapshot> Snapshot()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            DateTimeOffset wallNow = _time.GetUtcNow();
            DropExpired(now);
            var snapshot = new List<StickEntrySnapshot>(_entries.Count);
            foreach (var entry in _entries)
            {
                DateTimeOffset? expiresAt = entry.Open > 0
                    ? null
                    : wallNow + _time.GetElapsedTime(now, entry.IdleSince + _expirationTimestamp);
                snapshot.Add(new StickEntrySnapshot(entry.Key, entry.GroupId, entry.Open, expiresAt));
            }

            return snapshot;
        }
    }

    public bool Remove(StickKey key)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            if (!_byKey.TryGetValue(key, out var entry))
            {
                return false;
            }

            RemoveEntry(entry);
            return true;
        }
    }

    public StickForgetResult Forget(StickKey key)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            if (!_byKey.TryGetValue(key, out var entry))
            {
                return StickForgetResult.NotFound;
            }

            if (entry.Open > 0)
            {
                return StickForgetResult.InUse;
            }

            RemoveEntry(entry);
            return StickForgetResult.Forgotten;
        }
    }

    public int RemoveGroup(int groupId)
    {
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            if (!_groupCounts.TryGetValue(groupId, out int count))
            {
                return 0;
            }

            var doomed = new List<StickEntry>(count);
            foreach (var entry in _entries)
            {
                if (entry.GroupId == groupId)
                {
                    doomed.Add(entry);
                }
            }

            foreach (var entry in doomed)
            {
                RemoveEntry(entry);
            }

            return doomed.Count;
        }
    }

    /// <summary>Recreates a saved entry as idle, expiring after <paramref name="remaining"/> (capped at the expiration).</summary>
    /// <remarks>
    /// Returns false when nothing was stored: the time is up, an alive entry already exists, or the table is full and
    /// the restored entry would be the longest idle one. Restoring in ascending order of remaining time costs O(1) each.
    /// </remarks>
    public bool Restore(StickKey key, int groupId, TimeSpan remaining)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            DropExpired(now);
            long remainingTimestamp = ToTimestampUnits(remaining < _expiration ? remaining : _expiration);
            if (remainingTimestamp <= 0 || _byKey.Contains(key))
            {
                return false;
            }

            // Back-date the release so the shared expiration leaves exactly the remaining time.
            long idleSince = now - (_expirationTimestamp - remainingTimestamp);
            while (_entries.Count >= _maxEntries)
            {
                if (_idle.Head is not { } oldest || oldest.IdleSince > idleSince)
                {
                    return false;
                }

                RemoveEntry(oldest);
            }

            var entry = new StickEntry(key, groupId) { IdleSince = idleSince };
            _entries.Add(entry);
            _idle.InsertOrdered(entry);
            IncrementGroup(groupId);
            return true;
        }
    }
}
