using System.Net;

namespace Tcpffee.Listeners;

/// <summary>
/// One connection's place in its client address's count (<see cref="ClientConnectionCounts"/>); disposing it frees
/// the place. The default value holds no place, as for every connection while <c>max_connections_per_client</c> is 0.
/// </summary>
internal readonly struct ClientSlot : IDisposable
{
    private readonly ClientConnectionCounts? _counts;
    private readonly IPAddress? _address;

    public ClientSlot(ClientConnectionCounts counts, IPAddress address)
    {
        _counts = counts;
        _address = address;
    }

    public void Dispose() => _counts?.Release(_address!);
}
