using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Tcpffee.Cluster;

/// <summary>Outgoing Raft connections to other peers, as Kestrel socket connections.</summary>
internal sealed class PeerConnector(ILoggerFactory loggers) : IConnectionFactory, IDisposable
{
    private readonly SocketConnectionContextFactory _contexts = new(new SocketConnectionFactoryOptions(), loggers.CreateLogger<PeerConnector>());

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return _contexts.Create(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _contexts.Dispose();
}
