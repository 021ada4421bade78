using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Cluster;

/// <summary>Idle connections to other peers' proposals sockets, one request at a time on each.</summary>
internal sealed class ProposalConnectionPool : IDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, ConcurrentBag<Socket>> _idle = new();

    public async ValueTask<Socket> RentAsync(IPEndPoint target, CancellationToken cancellation)
    {
        if (_idle.TryGetValue(target, out var bag) && bag.TryTake(out var socket))
        {
            return socket;
        }

        socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellation).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Return(IPEndPoint target, Socket socket) =>
        _idle.GetOrAdd(target, _ => []).Add(socket);

    public void Dispose()
    {
        foreach (var bag in _idle.Values)
        {
            while (bag.TryTake(out var socket))
            {
                socket.Dispose();
            }
        }
    }
}
