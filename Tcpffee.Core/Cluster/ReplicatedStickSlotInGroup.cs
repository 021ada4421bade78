using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>The links of a <see cref="ReplicatedStickSlot"/> in its group's index by key.</summary>
internal readonly struct ReplicatedStickSlotInGroup : IRankedNodeAccess<ReplicatedStickSlot>
{
    public static ref RankLinks<ReplicatedStickSlot> Links(ReplicatedStickSlot node) => ref node.InGroup;

    public static StickKey Key(ReplicatedStickSlot node) => node.Key;
}
