namespace Tcpffee.StickTable;

/// <summary>
/// A connection's hold on its stick entry: while a lease is open the entry does not expire, and disposing it (once, at
/// close) starts the expiration countdown when no other lease on the entry remains.
/// </summary>
/// <remarks>
/// Only a connection that reached its backend (<see cref="Connected"/>) renews the entry at close: a client retrying a
/// dead backend must not keep its entry alive for ever. Disposing twice releases once, so a connection path that ends
/// in two places cannot undercount the entry.
/// </remarks>
internal sealed class StickLease : IDisposable
{
    private readonly Action<StickKey> _release;
    private readonly Action<StickKey> _abandon;
    private readonly Action<StickKey>? _connected;
    private int _served;
    private int _released;

    /// <param name="key">The entry's key.</param>
    /// <param name="groupId">The group the entry pointed at.</param>
    /// <param name="release">Ends a connection that reached its backend: the entry's countdown starts from now.</param>
    /// <param name="abandon">Ends a connection that never reached a backend: the entry's countdown is left as it was.</param>
    /// <param name="connected">Told when the connection reaches its backend, if the table needs to know before the close.</param>
    public StickLease(StickKey key, int groupId, Action<StickKey> release, Action<StickKey> abandon, Action<StickKey>? connected = null)
    {
        Key = key;
        GroupId = groupId;
        _release = release;
        _abandon = abandon;
        _connected = connected;
    }

    public StickKey Key { get; }

    /// <summary>Gets the group the entry pointed at when the lease was taken.</summary>
    public int GroupId { get; }

    /// <summary>Records that the connection reached its backend, so that its close renews the entry.</summary>
    public void Connected()
    {
        if (Interlocked.Exchange(ref _served, 1) == 0 && Volatile.Read(ref _released) == 0)
        {
            _connected?.Invoke(Key);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            (Volatile.Read(ref _served) != 0 ? _release : _abandon)(Key);
        }
    }
}
