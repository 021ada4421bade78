using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>Opens the TCP connection to a backend within <c>connect_timeout</c>.</summary>
internal static class BackendConnector
{
    // IP_TRANSPARENT (SOL_IP) and IPV6_TRANSPARENT (SOL_IPV6) from the Linux headers; .NET has no names for them.
    private const int SolIp = 0;
    private const int IpTransparent = 19;
    private const int SolIpv6 = 41;
    private const int Ipv6Transparent = 75;

    /// <summary>Connects; with <paramref name="transparentSource"/>, from that (client's) address, so the backend sees it.</summary>
    public static async ValueTask<Socket> ConnectAsync(IPEndPoint backend, TimeSpan timeout, TimeProvider time, IPAddress? transparentSource = null)
    {
        var socket = new Socket(backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (transparentSource is not null)
        {
            BindTransparent(socket, backend, transparentSource);
        }

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

    private static void BindTransparent(Socket socket, IPEndPoint backend, IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (source.AddressFamily != backend.AddressFamily)
        {
            socket.Dispose();
            throw new TransparentBindException($"client {source} and backend {backend} are of different address families");
        }

        try
        {
            if (backend.AddressFamily == AddressFamily.InterNetwork)
            {
                socket.SetRawSocketOption(SolIp, IpTransparent, BitConverter.GetBytes(1));
            }
            else
            {
                socket.SetRawSocketOption(SolIpv6, Ipv6Transparent, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(source, 0));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw TransparentBindException.From(ex);
        }
    }
}
