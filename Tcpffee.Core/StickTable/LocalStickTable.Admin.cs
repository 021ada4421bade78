namespace Tcpffee.StickTable;

// Administrative operations: inspection through the key indexes, removal and restoring saved entries.
internal sealed partial class LocalStickTable
{
    public StickEntrySnapshot? Find(StickKey key)
    {
        ThrowIfDefault(key);
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            DropExpired(now);
            return _byKey.TryGetValue(key, out var entry) ? Describe(entry, now, _time.GetUtcNow()) : null;
        }
    }

    public StickEntryPage Page(int? groupId, int offset, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var found = new List<StickEntry>(Math.Min(limit, 1024));
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            DateTimeOffset wallNow = _time.GetUtcNow();
            DropExpired(now);
            int total = _index.Page(groupId, offset, limit, found);
            var page = new StickEntrySnapshot[found.Count];
            for (int i = 0; i < page.Length; i++)
            {
                page[i] = Describe(found[i], now, wallNow);
            }

            return new StickEntryPage(total, page);
        }
    }

    /// <summary>Returns a copy of all alive entries, in no particular order; for saving the table to its file.</summary>
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
                snapshot.Add(Describe(entry, now, wallNow));
            }

            return snapshot;
        }
    }

    public ValueTask<StickForgetResult> ForgetAsync(StickKey key) => ValueTask.FromResult(Forget(key));

    /// <summary>An operator's removal: forgets the entry for <paramref name="key"/> unless connections with it are open.</summary>
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

    /// <summary>Recreates a saved entry as idle, expiring after <paramref name="remaining"/> (capped at the expiration).</summary>
    /// <remarks>
    /// Returns false when nothing was stored: the time is up, an alive entry already exists, or the table is full and
    /// the restored entry would be the longest idle one. Restoring in ascending order of remaining time costs O(1) each
    /// in the idle list, and O(log n) in the key indexes.
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

            var entry = new StickEntry(key, groupId) { IdleSince = idleSince, Served = true };
            AddEntry(entry);
            _idle.InsertOrdered(entry);
            return true;
        }
    }

    private StickEntrySnapshot Describe(StickEntry entry, long now, DateTimeOffset wallNow)
    {
        DateTimeOffset? expiresAt = entry.Open > 0
            ? null
            : wallNow + _time.GetElapsedTime(now, entry.IdleSince + _expirationTimestamp);
        return new StickEntrySnapshot(entry.Key, entry.GroupId, entry.Open, expiresAt);
    }
}
