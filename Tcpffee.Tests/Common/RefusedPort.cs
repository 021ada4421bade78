using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A loopback port that refuses every connection for as long as this lives: bound, never listening. Unlike a port that
/// was merely free a moment ago, no other process can start listening on it meanwhile.
/// </summary>
internal sealed class RefusedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public void Dispose() => _socket.Dispose();
}
