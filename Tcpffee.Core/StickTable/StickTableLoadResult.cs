namespace Tcpffee.StickTable;

/// <summary>The outcome of loading a saved stick table: status, unexpired entries (soonest expiry first) and any error.</summary>
internal sealed record StickTableLoadResult(
    StickTableLoadStatus Status,
    IReadOnlyList<StickTableRecord> Entries,
    int DroppedExpired,
    string? Error)
{
    /// <summary>Gets the number of unexpired entries loaded.</summary>
    public int Loaded => Entries.Count;

    public static StickTableLoadResult Missing { get; } = new(StickTableLoadStatus.Missing, [], 0, null);

    public static StickTableLoadResult Corrupt(string error) => new(StickTableLoadStatus.Corrupt, [], 0, error);

    public static StickTableLoadResult Unreadable(string error) => new(StickTableLoadStatus.Unreadable, [], 0, error);
}
