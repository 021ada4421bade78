using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Health.Support;

/// <summary>
/// A loopback port that refuses connections: bound, so nobody else takes it while the test runs, but not listening.
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
