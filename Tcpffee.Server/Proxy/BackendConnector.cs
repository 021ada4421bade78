using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>Opens the TCP connection to a backend within <c>connect_timeout</c>.</summary>
internal static class BackendConnector
{
    public static async ValueTask<Socket> ConnectAsync(IPEndPoint backend, TimeSpan timeout, TimeProvider time)
    {
        var socket = new Socket(backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timer = new CancellationTokenSource(timeout, time);
        try
        {
            await socket.ConnectAsync(backend, timer.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
