using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>The mutable record of one committed entry inside <see cref="StickStateMachine"/>, also a node of its key indexes.</summary>
/// <remarks>Fields, as in <see cref="StickEntry"/>: only the owning state touches them, under its lock.</remarks>
internal sealed class ReplicatedStickSlot(StickKey key, int groupId, long lastActiveMs)
{
    public readonly StickKey Key = key;
    public int GroupId = groupId;
    public long LastActiveMs = lastActiveMs;

    public RankLinks<ReplicatedStickSlot> ByKey;
    public RankLinks<ReplicatedStickSlot> InGroup;

    public ReplicatedStickEntry ToEntry() => new(Key, GroupId, LastActiveMs);
}
