namespace Tcpffee.Cluster;

/// <summary>
/// Orders committed entries longest idle first, the key's bytes breaking ties: the order in which expiry and the bound
/// remove them, the same on every replica.
/// </summary>
internal sealed class ReplicatedStickIdleOrder : IComparer<ReplicatedStickSlot>
{
    public static readonly ReplicatedStickIdleOrder Instance = new();

    public int Compare(ReplicatedStickSlot? x, ReplicatedStickSlot? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var byTime = x.LastActiveMs.CompareTo(y.LastActiveMs);
        return byTime != 0 ? byTime : x.Key.CompareTo(y.Key);
    }
}
