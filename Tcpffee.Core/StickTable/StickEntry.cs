namespace Tcpffee.StickTable;

/// <summary>One mutable stick table entry: a node of the idle list while it has no open connections, and of the table's two key indexes.</summary>
/// <remarks>Fields rather than properties to keep it small and obvious; only the owning table touches them, under its lock.</remarks>
internal sealed class StickEntry(StickKey key, int groupId)
{
    public readonly StickKey Key = key;
    public int GroupId = groupId;
    public int Open;

    /// <summary>Monotonic timestamp of the last release of a connection that reached its backend; meaningful only while <see cref="Open"/> is zero.</summary>
    public long IdleSince;

    /// <summary>Whether a connection with this key ever reached its backend; an entry no connection was served by is not kept.</summary>
    public bool Served;

    public StickEntry? Previous;
    public StickEntry? Next;

    /// <summary>Links in the index of every entry by key.</summary>
    public RankLinks<StickEntry> ByKey;

    /// <summary>Links in the index of this entry's group by key.</summary>
    public RankLinks<StickEntry> InGroup;
}
