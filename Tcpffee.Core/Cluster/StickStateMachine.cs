using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>
/// The stick table every proxy of a cluster agrees on: the pure state machine, which applies committed commands and
/// answers reads. Applying the same commands in the same order gives the same table on every replica, because every
/// time and setting comes from the command; it knows no clock, no configuration and no Raft.
/// </summary>
/// <remarks>
/// The split of the cluster's stick table: this type holds the committed entries; <c>StickReplica</c> is what the Raft
/// group replicates (this machine, plus the leader's stamp of its clock and settings, and the proposer's result);
/// <c>ClusterStickTable</c> is the table the router uses in cluster mode (proposals, and what only this proxy knows).
/// </remarks>
internal sealed partial class StickStateMachine
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StickKey, ReplicatedStickSlot> _entries = [];
    private readonly StickKeyIndex<ReplicatedStickSlot, ReplicatedStickSlotByKey, ReplicatedStickSlotInGroup> _index = new(static slot => slot.GroupId);

    /// <summary>Every entry, longest idle first: expiry and the bound take from the front, so neither scans the table.</summary>
    private readonly SortedSet<ReplicatedStickSlot> _idle = new(ReplicatedStickIdleOrder.Instance);
    private long _expirationMs;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the committed entries removed to respect the bound (not those that expired).</summary>
    public long Evictions { get; private set; }

    public int? Lookup(StickKey key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.GroupId : null;
        }
    }

    public ReplicatedStickEntry? Find(StickKey key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.ToEntry() : null;
        }
    }

    public int CountForGroup(int groupId)
    {
        lock (_lock)
        {
            return _index.CountForGroup(groupId);
        }
    }

    public List<ReplicatedStickEntry> Snapshot()
    {
        lock (_lock)
        {
            var list = new List<ReplicatedStickEntry>(_entries.Count);
            foreach (var entry in _entries.Values)
            {
                list.Add(entry.ToEntry());
            }

            return list;
        }
    }

    /// <summary>Returns up to <paramref name="limit"/> entries in key order from rank <paramref name="offset"/>, and how many the list holds.</summary>
    /// <param name="groupId">Only entries of this group, when set.</param>
    /// <param name="offset">How many entries of the ordered list to skip.</param>
    /// <param name="limit">The largest number of entries to return.</param>
    public (int Total, List<ReplicatedStickEntry> Entries) Page(int? groupId, int offset, int limit)
    {
        var slots = new List<ReplicatedStickSlot>(Math.Min(limit, 1024));
        lock (_lock)
        {
            int total = _index.Page(groupId, offset, limit, slots);
            return (total, slots.ConvertAll(slot => slot.ToEntry()));
        }
    }

    /// <summary>Whether an expire command stamped at <paramref name="nowMs"/> would remove anything.</summary>
    public bool HasExpiredOrExcess(long nowMs, TimeSpan expiration, int maxEntries)
    {
        var cutoff = nowMs - (long)expiration.TotalMilliseconds;
        lock (_lock)
        {
            return _entries.Count > maxEntries || _idle.Min is { } oldest && oldest.LastActiveMs <= cutoff;
        }
    }

    public void Apply(StickCommandKind kind, ReadOnlySpan<byte> command)
    {
        if (!StickCommand.IsWellFormed(kind, command))
        {
            // Membership changes reach the state machine as empty entries; anything else malformed is skipped alike
            // by every replica, so they stay identical.
            return;
        }

        var (time, expirationMs, maxEntries) = StickCommand.ReadHeader(command);
        lock (_lock)
        {
            _expirationMs = expirationMs;
            switch (kind)
            {
                case StickCommandKind.Assign:
                    ApplyAssign(command, time);
                    break;
                case StickCommandKind.Touch:
                    foreach (var key in StickCommand.ReadTouch(command))
                    {
                        if (_entries.TryGetValue(key, out var entry))
                        {
                            SetLastActive(entry, Math.Max(entry.LastActiveMs, time));
                        }
                    }

                    break;
                case StickCommandKind.Forget:
                    RemoveEntry(StickCommand.ReadForget(command));
                    break;
                case StickCommandKind.Expire:
                    ApplyExpire(time, expirationMs, maxEntries);
                    break;
            }
        }
    }

    private void ApplyAssign(ReadOnlySpan<byte> command, long time)
    {
        var (groupId, replacing, key) = StickCommand.ReadAssign(command);
        if (!_entries.TryGetValue(key, out var entry))
        {
            AddEntry(new ReplicatedStickSlot(key, groupId, time));
            return;
        }

        var alive = entry.LastActiveMs + _expirationMs > time;
        if (alive && entry.GroupId != replacing)
        {
            // The first committed assignment wins; this connection is activity on it.
            SetLastActive(entry, Math.Max(entry.LastActiveMs, time));
            return;
        }

        _index.Leave(entry);
        entry.GroupId = groupId;
        SetLastActive(entry, time);
        _index.Join(entry);
    }

    private void ApplyExpire(long time, long expirationMs, int maxEntries)
    {
        var cutoff = time - expirationMs;
        while (_idle.Min is { } oldest && oldest.LastActiveMs <= cutoff)
        {
            RemoveEntry(oldest.Key);
        }

        // Longest idle first; the key's bytes break ties so every replica evicts the same entries.
        while (_entries.Count > maxEntries && _idle.Min is { } victim)
        {
            RemoveEntry(victim.Key);
            Evictions++;
        }
    }

    /// <summary>Moves the entry to its place in the idle order; the order is by this field, so it is never set directly.</summary>
    private void SetLastActive(ReplicatedStickSlot entry, long lastActiveMs)
    {
        if (entry.LastActiveMs == lastActiveMs)
        {
            return;
        }

        _idle.Remove(entry);
        entry.LastActiveMs = lastActiveMs;
        _idle.Add(entry);
    }

    private void AddEntry(ReplicatedStickSlot entry)
    {
        _entries.Add(entry.Key, entry);
        _index.Add(entry);
        _idle.Add(entry);
    }

    private void RemoveEntry(StickKey key)
    {
        if (_entries.Remove(key, out var entry))
        {
            _index.Remove(entry);
            _idle.Remove(entry);
        }
    }
}
