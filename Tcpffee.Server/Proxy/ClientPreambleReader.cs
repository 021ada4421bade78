using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;
using Tcpffee.Routing;

namespace Tcpffee.Proxy;

/// <summary>
/// Reads what comes before the copy: the PROXY header from a trusted upstream load balancer (<c>accept_proxy</c>), then
/// the first-message slice of the key, each bounded by <c>first_message_timeout</c>; and builds the client's key.
/// </summary>
internal sealed class ClientPreambleReader
{
    private readonly KeyBuilder _keys;
    private readonly TimeProvider _time;

    public ClientPreambleReader(KeyBuilder keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    public async ValueTask<ClientPreamble> ReadAsync(ConnectionContext connection, TcpffeeConfig config)
    {
        var client = Plain((IPEndPoint)connection.RemoteEndPoint!);
        var destination = Plain((IPEndPoint)connection.LocalEndPoint!);
        var input = connection.Transport.Input;
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

            ReadResult? first = null;
            if (_keys.BytesNeeded > 0)
            {
                // The slice is taken from the bytes after the PROXY header, which the header reader left unexamined.
                first = await FirstMessageReader.ReadAsync(input, _keys.BytesNeeded, config.FirstMessageTimeout, _time).ConfigureAwait(false);
            }

            return new ClientPreamble(client, destination, first, _keys.Build(client.Address, first?.Buffer ?? ReadOnlySequence<byte>.Empty), null);
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException)
        {
            return Fail(client, destination, ConnectionOutcome.ClientGone);
        }
    }

    private static bool IsTrusted(TcpffeeConfig config, IPAddress address) =>
        config.AcceptProxyFrom.IsEmpty || config.AcceptProxyFrom.Any(n => n.Contains(address));

    private static ClientPreamble Fail(IPEndPoint client, IPEndPoint destination, ConnectionOutcome outcome) =>
        new(client, destination, null, default, outcome);

    private static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
