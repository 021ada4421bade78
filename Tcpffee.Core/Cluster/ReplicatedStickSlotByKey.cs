using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>The links of a <see cref="ReplicatedStickSlot"/> in the index of every committed entry by key.</summary>
internal readonly struct ReplicatedStickSlotByKey : IRankedNodeAccess<ReplicatedStickSlot>
{
    public static ref RankLinks<ReplicatedStickSlot> Links(ReplicatedStickSlot node) => ref node.ByKey;

    public static StickKey Key(ReplicatedStickSlot node) => node.Key;
}
