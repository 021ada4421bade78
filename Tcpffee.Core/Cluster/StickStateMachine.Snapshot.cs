using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

// The snapshot: the whole committed table, written with the serializer both state machines share.
internal sealed partial class StickStateMachine
{
    /// <summary>Bytes of one entry before its key: i32 group, i64 last active, u16 key length.</summary>
    private const int EntryHeader = 14;

    /// <summary>Writes the whole table: i64 expiration, i32 count, then (i32 group, i64 last active, key)*.</summary>
    /// <remarks>The first release wrote the same without the marker, so one reader takes both.</remarks>
    public byte[] Serialize()
    {
        var writer = new ReplicaSnapshotWriter();
        lock (_lock)
        {
            writer.WriteInt64(_expirationMs);
            writer.WriteInt32(_entries.Count);
            foreach (var entry in _entries.Values)
            {
                writer.WriteInt32(entry.GroupId);
                writer.WriteInt64(entry.LastActiveMs);
                writer.WriteBytes(entry.Key.Bytes);
            }
        }

        return writer.ToArray();
    }

    /// <summary>Replaces the table with a snapshot's, of this release or of the first one.</summary>
    /// <exception cref="FormatException">The snapshot is malformed; the table is left as it was.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        var reader = new ReplicaSnapshotReader(snapshot);
        var expirationMs = reader.ReadInt64();
        var count = reader.ReadCount(EntryHeader);
        var entries = new List<ReplicatedStickSlot>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(ReadEntry(ref reader));
        }

        reader.EnsureAtEnd();
        lock (_lock)
        {
            _entries.Clear();
            _index.Clear();
            _idle.Clear();
            _expirationMs = expirationMs;
            foreach (var entry in entries)
            {
                // A key twice: the later one stands, as it did when the first release restored.
                RemoveEntry(entry.Key);
                AddEntry(entry);
            }
        }
    }

    private static ReplicatedStickSlot ReadEntry(ref ReplicaSnapshotReader reader)
    {
        var groupId = reader.ReadInt32();
        var lastActive = reader.ReadInt64();
        return new ReplicatedStickSlot(StickKey.FromBytes(reader.ReadBytes()), groupId, lastActive);
    }
}
