using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Tcpffee.Tests.Common;

/// <summary>
/// Wraps the host's proxied-port transport so that every accepted connection's socket is reported to
/// <see cref="ObservedReads"/>, which watches what the proxy has taken from it; the connections are passed on untouched.
/// </summary>
internal sealed class ObservingListenerFactory(IConnectionListenerFactory inner, ObservedReads reads) : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), reads);

    private sealed class Listener(IConnectionListener inner, ObservedReads reads) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection?.Features.Get<IConnectionSocketFeature>()?.Socket is Socket socket)
            {
                reads.Accepted(connection, socket);
            }

            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
