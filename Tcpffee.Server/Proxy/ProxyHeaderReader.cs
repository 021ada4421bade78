using System.IO.Pipelines;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Proxy;

/// <summary>
/// Reads and consumes the PROXY header a client behind another load balancer starts with, within a time limit.
/// Bytes after the header stay in the pipe, unexamined, for the first-message key and the copy.
/// </summary>
internal static class ProxyHeaderReader
{
    public static async ValueTask<(ProxyHeaderStatus Status, ProxyHeader Header)> ReadAsync(PipeReader input, TimeSpan timeout, TimeProvider time)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var registration = timer.Token.UnsafeRegister(static s => ((PipeReader)s!).CancelPendingRead(), input);
        while (true)
        {
            var result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = ProxyHeaderParser.TryParse(buffer, out var header, out var length);
            if (status == ProxyHeaderStatus.Complete)
            {
                input.AdvanceTo(buffer.GetPosition(length));
                return (status, header);
            }

            // A header still incomplete when the client stops sending, or when time is up, is as bad as a malformed one.
            if (status == ProxyHeaderStatus.Invalid || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return (ProxyHeaderStatus.Invalid, ProxyHeader.Unknown);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
