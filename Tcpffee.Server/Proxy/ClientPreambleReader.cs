using System.Buffers;
using System.IO.Pipelines;
using System.Net;
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
/// over its limit is closed before anything waits for its first message.
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

    public async ValueTask<ClientPreamble> ReadAsync(ConnectionContext connection, TcpffeeConfig config)
    {
        var client = Plain((IPEndPoint)connection.RemoteEndPoint!);
        var destination = Plain((IPEndPoint)connection.LocalEndPoint!);
        var input = connection.Transport.Input;
        var slot = default(ClientSlot);
        try
        {
            if (config.AcceptProxy)
            {
                if (!IsTrusted(config, client.Address))
                {
                    return Fail(client, destination, ConnectionOutcome.ProxyHeaderUntrusted);
                }

                var (status, header) = await ProxyHeaderReader.ReadAsync(input, config.FirstMessageTimeout, _time).ConfigureAwait(false);
                if (status != ProxyHeaderStatus.Complete)
                {
                    return Fail(client, destination, ConnectionOutcome.ProxyHeaderInvalid);
                }

                if (header.Source is { } source && header.Destination is { } original)
                {
                    (client, destination) = (Plain(source), Plain(original));
                }
            }

            if (!_perClient.TryAcquire(client.Address, config.MaxConnectionsPerClient, out slot))
            {
                return Fail(client, destination, ConnectionOutcome.ClientLimit);
            }

            ReadResult? first = null;
            if (_keys.BytesNeeded > 0)
            {
                // The slice is taken from the bytes after the PROXY header, which the header reader left unexamined.
                first = await FirstMessageReader.ReadAsync(input, _keys.BytesNeeded, config.FirstMessageTimeout, _time).ConfigureAwait(false);
            }

            return new ClientPreamble(client, destination, first, _keys.Build(client.Address, first?.Buffer ?? ReadOnlySequence<byte>.Empty), null, slot);
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException)
        {
            slot.Dispose();
            return Fail(client, destination, ConnectionOutcome.ClientGone);
        }
    }

    private static bool IsTrusted(TcpffeeConfig config, IPAddress address) =>
        config.AcceptProxyFrom.IsEmpty || config.AcceptProxyFrom.Any(n => n.Contains(address));

    private static ClientPreamble Fail(IPEndPoint client, IPEndPoint destination, ConnectionOutcome outcome) =>
        new(client, destination, null, default, outcome, default);

    private static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
