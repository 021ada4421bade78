using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>What one receive got: the bytes read (0 for the peer's FIN), or the error that ended it.</summary>
internal readonly record struct SocketReceiveResult(int Bytes, SocketError Error)
{
    public bool Succeeded => Error == SocketError.Success;
}
