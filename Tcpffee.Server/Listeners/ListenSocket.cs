using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Tcpffee.Listeners;

/// <summary>Opens a listening socket the way Kestrel's socket transport does, for either of tcpffee's transports.</summary>
internal static class ListenSocket
{
    /// <summary>Binds and listens; a port in use is Kestrel's <see cref="AddressInUseException"/>, which hosts report as such.</summary>
    public static Socket Open(SocketTransportOptions options, EndPoint endpoint)
    {
        Socket socket;
        try
        {
            socket = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }

        try
        {
            socket.Listen(options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }
}
