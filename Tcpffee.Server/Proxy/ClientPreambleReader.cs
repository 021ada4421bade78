using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Configuration;
using Tcpffee.Listeners;
using Tcpffee.ProxyProtocol;
using Tcpffee.Routing;

namespace Tcpffee.Proxy;

/// <summary>
/// Reads what comes before the copy: the PROXY header from a trusted upstream load balancer (<c>accept_proxy</c>), then
/// the first-message slice of the key, each bounded by <c>first_message_timeout</c>; and builds the client's key. Between
/// the two it counts the connection against its real client address (<c>max_connections_per_client</c>), so a client
/// over its limit is closed before anything waits for its first message. Both read the client's socket directly.
/// </summary>
internal sealed class ClientPreambleReader
{
    private readonly KeyBuilder _keys;
    private readonly TimeProvider _time;
    private readonly ClientConnectionCounts _perClient;

    public ClientPreambleReader(KeyBuilder keys, TimeProvider time, ClientConnectionCounts perClient)
    {
        _keys = keys;
        _time = time;
        _perClient = perClient;
    }

    public async ValueTask<ClientPreamble> ReadAsync(ConnectionContext connection, Socket socket, TcpffeeConfig config)
    {
        var client = Plain((IPEndPoint)connection.RemoteEndPoint!);
        var destination = Plain((IPEndPoint)connection.LocalEndPoint!);
        var slot = default(ClientSlot);
        ClientPrefix? prefix = null;
        try
        {
            if (config.AcceptProxy)
            {
                if (!IsTrusted(config, client.Address))
                {
                    return Fail(client, destination, ConnectionOutcome.ProxyHeaderUntrusted, prefix);
                }

                prefix = new ClientPrefix(PrefixNeeded(config));
                var (status, header) = await ProxyHeaderReader.ReadAsync(socket, prefix, config.FirstMessageTimeout, _time).ConfigureAwait(false);
                if (status != ProxyHeaderStatus.Complete)
                {
                    return Fail(client, destination, ConnectionOutcome.ProxyHeaderInvalid, prefix);
                }

                if (header.Source is { } source && header.Destination is { } original)
                {
                    (client, destination) = (Plain(source), Plain(original));
                }
            }

            if (!_perClient.TryAcquire(client.Address, config.MaxConnectionsPerClient, out slot))
            {
                return Fail(client, destination, ConnectionOutcome.ClientLimit, prefix);
            }

            if (_keys.BytesNeeded > 0)
            {
                // The slice is taken from the bytes after the PROXY header, which the header reader left unread.
                prefix ??= new ClientPrefix(PrefixNeeded(config));
                await FirstMessageReader.ReadAsync(socket, prefix, _keys.BytesNeeded, config.FirstMessageTimeout, _time).ConfigureAwait(false);
            }

            var first = prefix is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(prefix.Unread);
            return new ClientPreamble(client, destination, prefix, _keys.Build(client.Address, first), null, slot);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Reset, or closed by the proxy (idle timeout, shutdown) while it was still being read.
            slot.Dispose();
            return Fail(client, destination, ConnectionOutcome.ClientGone, prefix);
        }
    }

    /// <summary>The most the prefix must hold: the largest PROXY header if one is expected, then the slice.</summary>
    private int PrefixNeeded(TcpffeeConfig config) => (config.AcceptProxy ? ProxyHeaderParser.MaxV2Length : 0) + _keys.BytesNeeded;

    private static bool IsTrusted(TcpffeeConfig config, IPAddress address) =>
        config.AcceptProxyFrom.IsEmpty || config.AcceptProxyFrom.Any(n => n.Contains(address));

    private static ClientPreamble Fail(IPEndPoint client, IPEndPoint destination, ConnectionOutcome outcome, ClientPrefix? prefix)
    {
        prefix?.Dispose();
        return new(client, destination, null, default, outcome, default);
    }

    private static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
