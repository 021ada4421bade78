using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Tcpffee.Cluster;

/// <summary>The Raft logs sockets' listeners: a connection from an address that is not a peer's is closed at once.</summary>
internal sealed class PeerOnlyListenerFactory(IConnectionListenerFactory inner, ClusterTopology topology, Action<EndPoint, EndPoint?> refused)
    : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), topology, refused);

    private sealed class Listener(IConnectionListener inner, ClusterTopology topology, Action<EndPoint, EndPoint?> refused) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            while (await inner.AcceptAsync(cancellationToken).ConfigureAwait(false) is { } connection)
            {
                if (connection.RemoteEndPoint is IPEndPoint remote && topology.IsPeer(remote.Address))
                {
                    return connection;
                }

                refused(EndPoint, connection.RemoteEndPoint);
                connection.Abort();
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            return null;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
