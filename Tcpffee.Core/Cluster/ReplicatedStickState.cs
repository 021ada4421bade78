using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>
/// The stick table every proxy of a cluster agrees on: the state machine's data. Applying the same commands in the
/// same order gives the same table on every replica, because every time and setting comes from the command.
/// </summary>
internal sealed class ReplicatedStickState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StickKey, (int GroupId, long LastActiveMs)> _entries = [];
    private readonly Dictionary<int, int> _groupCounts = [];
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
            return _entries.TryGetValue(key, out var entry) ? new ReplicatedStickEntry(key, entry.GroupId, entry.LastActiveMs) : null;
        }
    }

    public int CountForGroup(int groupId)
    {
        lock (_lock)
        {
            return _groupCounts.GetValueOrDefault(groupId);
        }
    }

    public List<ReplicatedStickEntry> Snapshot()
    {
        lock (_lock)
        {
            var list = new List<ReplicatedStickEntry>(_entries.Count);
            foreach (var (key, entry) in _entries)
            {
                list.Add(new ReplicatedStickEntry(key, entry.GroupId, entry.LastActiveMs));
            }

            return list;
        }
    }

    /// <summary>Whether an expire command stamped at <paramref name="nowMs"/> would remove anything.</summary>
    public bool HasExpiredOrExcess(long nowMs, TimeSpan expiration, int maxEntries)
    {
        var cutoff = nowMs - (long)expiration.TotalMilliseconds;
        lock (_lock)
        {
            if (_entries.Count > maxEntries)
            {
                return true;
            }

            foreach (var entry in _entries.Values)
            {
                if (entry.LastActiveMs <= cutoff)
                {
                    return true;
                }
            }

            return false;
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
                        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
                        if (!Unsafe.IsNullRef(ref entry))
                        {
                            entry.LastActiveMs = Math.Max(entry.LastActiveMs, time);
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
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out var exists);
        var alive = exists && entry.LastActiveMs + _expirationMs > time;
        if (alive && entry.GroupId != replacing)
        {
            // The first committed assignment wins; this connection is activity on it.
            entry.LastActiveMs = Math.Max(entry.LastActiveMs, time);
            return;
        }

        if (exists)
        {
            DecrementGroup(entry.GroupId);
        }

        entry = (groupId, time);
        _groupCounts[groupId] = _groupCounts.GetValueOrDefault(groupId) + 1;
    }

    private void ApplyExpire(long time, long expirationMs, int maxEntries)
    {
        var cutoff = time - expirationMs;
        List<StickKey>? expired = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastActiveMs <= cutoff)
            {
                (expired ??= []).Add(key);
            }
        }

        foreach (var key in expired ?? [])
        {
            RemoveEntry(key);
        }

        if (_entries.Count <= maxEntries)
        {
            return;
        }

        // Longest idle first; the key's bytes break ties so every replica evicts the same entries.
        var victims = _entries
            .OrderBy(e => e.Value.LastActiveMs)
            .ThenBy(e => e.Key, KeyBytesComparer.Instance)
            .Take(_entries.Count - maxEntries)
            .Select(e => e.Key)
            .ToList();
        foreach (var key in victims)
        {
            RemoveEntry(key);
        }

        Evictions += victims.Count;
    }

    private void RemoveEntry(StickKey key)
    {
        if (_entries.Remove(key, out var entry))
        {
            DecrementGroup(entry.GroupId);
        }
    }

    private void DecrementGroup(int groupId)
    {
        if (--CollectionsMarshal.GetValueRefOrNullRef(_groupCounts, groupId) == 0)
        {
            _groupCounts.Remove(groupId);
        }
    }

    /// <summary>Writes the whole table: i64 expiration, i32 count, then (i32 group, i64 last active, u16 length, key)*.</summary>
    public byte[] Serialize()
    {
        lock (_lock)
        {
            var stream = new MemoryStream();
            Span<byte> header = stackalloc byte[14];
            BinaryPrimitives.WriteInt64LittleEndian(header, _expirationMs);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], _entries.Count);
            stream.Write(header[..12]);
            foreach (var (key, entry) in _entries)
            {
                BinaryPrimitives.WriteInt32LittleEndian(header, entry.GroupId);
                BinaryPrimitives.WriteInt64LittleEndian(header[4..], entry.LastActiveMs);
                BinaryPrimitives.WriteUInt16LittleEndian(header[12..], (ushort)key.Bytes.Length);
                stream.Write(header);
                stream.Write(key.Bytes);
            }

            return stream.ToArray();
        }
    }

    public void Restore(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            _entries.Clear();
            _groupCounts.Clear();
            _expirationMs = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
            bytes = bytes[12..];
            for (var i = 0; i < count; i++)
            {
                var groupId = BinaryPrimitives.ReadInt32LittleEndian(bytes);
                var lastActive = BinaryPrimitives.ReadInt64LittleEndian(bytes[4..]);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]);
                var key = StickKey.FromBytes(bytes.Slice(14, length));
                _entries[key] = (groupId, lastActive);
                _groupCounts[groupId] = _groupCounts.GetValueOrDefault(groupId) + 1;
                bytes = bytes[(14 + length)..];
            }
        }
    }

    private sealed class KeyBytesComparer : IComparer<StickKey>
    {
        public static readonly KeyBytesComparer Instance = new();

        public int Compare(StickKey x, StickKey y) => x.Bytes.SequenceCompareTo(y.Bytes);
    }
}
