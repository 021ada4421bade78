using System.Buffers;
using System.Net.Sockets;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Proxy;

/// <summary>
/// Reads and consumes the PROXY header a client behind another load balancer starts with, within a time limit.
/// Bytes read after the header stay in the <see cref="ClientPrefix"/>, unread, for the first-message key and the copy.
/// </summary>
internal static class ProxyHeaderReader
{
    public static async ValueTask<(ProxyHeaderStatus Status, ProxyHeader Header)> ReadAsync(Socket client, ClientPrefix prefix, TimeSpan timeout, TimeProvider time)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        try
        {
            while (true)
            {
                var more = await prefix.ReceiveAsync(client, timer.Token).ConfigureAwait(false);
                var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(prefix.Unread), out var header, out var length);
                if (status == ProxyHeaderStatus.Complete)
                {
                    prefix.Consume(length);
                    return (status, header);
                }

                // A header still incomplete when the client stops sending is as bad as a malformed one.
                if (status == ProxyHeaderStatus.Invalid || !more)
                {
                    return (ProxyHeaderStatus.Invalid, ProxyHeader.Unknown);
                }
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            // So is one still incomplete when time is up.
            return (ProxyHeaderStatus.Invalid, ProxyHeader.Unknown);
        }
    }
}
