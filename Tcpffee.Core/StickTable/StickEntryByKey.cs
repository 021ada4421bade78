namespace Tcpffee.StickTable;

/// <summary>The links of a <see cref="StickEntry"/> in the table's index of every entry by key.</summary>
internal readonly struct StickEntryByKey : IRankedNodeAccess<StickEntry>
{
    public static ref RankLinks<StickEntry> Links(StickEntry node) => ref node.ByKey;

    public static StickKey Key(StickEntry node) => node.Key;
}
