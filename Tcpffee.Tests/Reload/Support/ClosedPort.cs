using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Reload.Support;

/// <summary>
/// A loopback port that refuses every connection for as long as this lives: bound, never listening. Unlike a port that
/// was merely free a moment ago, no other process can start listening on it meanwhile.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
