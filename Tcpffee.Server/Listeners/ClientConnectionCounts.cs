using System.Collections.Concurrent;
using System.Net;
using Tcpffee.Utilities;

namespace Tcpffee.Listeners;

/// <summary>
/// How many connections each client address has open, for <c>max_connections_per_client</c>; HAProxy's
/// <c>sc_conn_cur</c>. Only addresses with a connection open have an entry (it is removed at zero), so the map is as
/// large as the set of clients connected right now, and each connection costs two compare-and-swaps on one entry.
/// </summary>
internal sealed class ClientConnectionCounts
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Addresses with at least one counted connection open.</summary>
    public int Clients => _open.Count;

    /// <summary>Counted connections open from <paramref name="address"/>.</summary>
    public int OpenFrom(IPAddress address) => _open.TryGetValue(address, out var count) ? count : 0;

    /// <summary>
    /// Counts one more connection from <paramref name="address"/> unless <paramref name="limit"/> are open; with a limit
    /// of 0 nothing is counted and the connection is allowed.
    /// </summary>
    public bool TryAcquire(IPAddress address, int limit, out ClientSlot slot)
    {
        slot = default;
        if (limit <= 0)
        {
            return true;
        }

        while (true)
        {
            if (_open.TryGetValue(address, out var count))
            {
                if (count >= limit)
                {
                    return false;
                }

                if (_open.TryUpdate(address, count + 1, count))
                {
                    break;
                }
            }
            else if (_open.TryAdd(address, 1))
            {
                break;
            }
        }

        slot = new ClientSlot(this, address);
        return true;
    }

    /// <summary>Gives back one counted connection of <paramref name="address"/>; the entry goes when its last one does.</summary>
    internal void Release(IPAddress address) => _open.Decrement(address);
}
