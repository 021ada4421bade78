namespace Tcpffee.StickTable;

/// <summary>Compares entries by key and lets a set of entries be searched by a bare key.</summary>
/// <remarks>Storing entries in a set looked up by key avoids a dictionary slot that would hold the key a second time.</remarks>
internal sealed class StickEntryComparer : IEqualityComparer<StickEntry>, IAlternateEqualityComparer<StickKey, StickEntry>
{
    public static readonly StickEntryComparer Instance = new();

    private StickEntryComparer()
    {
    }

    public bool Equals(StickEntry? x, StickEntry? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Key.Equals(y.Key));

    public int GetHashCode(StickEntry obj) => obj.Key.GetHashCode();

    public bool Equals(StickKey alternate, StickEntry other) => alternate.Equals(other.Key);

    public int GetHashCode(StickKey alternate) => alternate.GetHashCode();

    public StickEntry Create(StickKey alternate) =>
        throw new NotSupportedException("Entries are added whole, never created from a bare key.");
}
