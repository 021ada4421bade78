namespace Tcpffee.StickTable;

// Expiry and eviction, both served from the head of the idle list.
internal sealed partial class LocalStickTable
{
    public int SweepExpired()
    {
        lock (_lock)
        {
            return DropExpired(_time.GetTimestamp());
        }
    }

    private bool IsExpired(StickEntry idleEntry, long now) => now - idleEntry.IdleSince >= _expirationTimestamp;

    private int DropExpired(long now)
    {
        int dropped = 0;
        while (_idle.Head is { } oldest && IsExpired(oldest, now))
        {
            RemoveEntry(oldest);
            dropped++;
        }

        return dropped;
    }

    /// <summary>Evicts longest-idle entries until one more fits; false when only entries with open connections remain.</summary>
    private bool MakeRoomForOne()
    {
        while (_entries.Count >= _maxEntries)
        {
            if (_idle.Head is not { } oldest)
            {
                return false;
            }

            RemoveEntry(oldest);
            _evictions++;
        }

        return true;
    }

    /// <summary>Evicts longest-idle entries while over the bound; entries with open connections are never evicted.</summary>
    private void TrimToBound()
    {
        while (_entries.Count > _maxEntries && _idle.Head is { } oldest)
        {
            RemoveEntry(oldest);
            _evictions++;
        }
    }

    private void RemoveEntry(StickEntry entry)
    {
        _entries.Remove(entry);
        _index.Remove(entry);
        if (entry.Open == 0)
        {
            _idle.Remove(entry);
        }
    }
}
