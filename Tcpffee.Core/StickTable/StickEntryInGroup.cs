namespace Tcpffee.StickTable;

/// <summary>The links of a <see cref="StickEntry"/> in its group's index by key.</summary>
internal readonly struct StickEntryInGroup : IRankedNodeAccess<StickEntry>
{
    public static ref RankLinks<StickEntry> Links(StickEntry node) => ref node.InGroup;

    public static StickKey Key(StickEntry node) => node.Key;
}
