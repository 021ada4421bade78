using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>
/// Waits for the first bytes of a client, for keys built from the first message. They stay in the
/// <see cref="ClientPrefix"/>, unconsumed, and are the first bytes the copy sends to the backend.
/// </summary>
internal static class FirstMessageReader
{
    /// <summary>Returns once <paramref name="bytesNeeded"/> bytes are in, the client finished sending, or the timeout passed.</summary>
    public static async ValueTask ReadAsync(Socket client, ClientPrefix prefix, int bytesNeeded, TimeSpan timeout, TimeProvider time)
    {
        if (prefix.Length >= bytesNeeded || prefix.Ended)
        {
            return;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        try
        {
            while (await prefix.ReceiveAsync(client, timer.Token).ConfigureAwait(false) && prefix.Length < bytesNeeded)
            {
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            // A cancelled receive takes nothing from the socket: what came before the timeout is in the prefix, the rest
            // is still in the kernel for the copy.
        }
    }
}
