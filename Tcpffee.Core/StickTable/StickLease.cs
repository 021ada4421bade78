namespace Tcpffee.StickTable;

/// <summary>
/// A connection's hold on its stick entry: while a lease is open the entry does not expire, and disposing it (once, at
/// close) starts the expiration countdown when no other lease on the entry remains.
/// </summary>
/// <remarks>Disposing twice releases once, so a connection path that ends in two places cannot undercount the entry.</remarks>
internal sealed class StickLease : IDisposable
{
    private readonly Action<StickKey> _release;
    private int _released;

    public StickLease(StickKey key, int groupId, Action<StickKey> release)
    {
        Key = key;
        GroupId = groupId;
        _release = release;
    }

    public StickKey Key { get; }

    /// <summary>Gets the group the entry pointed at when the lease was taken.</summary>
    public int GroupId { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release(Key);
        }
    }
}
