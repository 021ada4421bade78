using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>A client connection to the proxy from a chosen loopback address.</summary>
internal sealed class TestClient : IDisposable
{
    private TestClient(Socket socket)
    {
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public Socket Socket { get; }

    /// <summary>The client's own address and port, which the proxy sees as the peer.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connects to <paramref name="proxy"/>, from <paramref name="from"/> when given (any 127.0.0.0/8 address works on Linux).</summary>
    public static async Task<TestClient> ConnectAsync(IPEndPoint proxy, IPAddress? from = null)
    {
        var socket = new Socket(proxy.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                socket.Bind(new IPEndPoint(from, 0));
            }

            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await socket.ConnectAsync(proxy, timeout.Token);
            return new TestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] bytes) => await Socket.SendAsync(bytes, SocketFlags.None);

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends FIN: the client is done sending.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads until the proxy closes the connection (FIN or reset) and returns what came; throws <see cref="TimeoutException"/> if it stays open.</summary>
    public async Task<(byte[] Bytes, bool Reset)> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await Socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
                if (n == 0)
                {
                    return (received.ToArray(), false);
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return (received.ToArray(), true);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"the proxy did not close the connection from {LocalEndPoint} within {limit.TotalSeconds} s; received '{HeaderBytes.Show(received.ToArray())}'");
        }
    }

    /// <summary>Reads to the end and returns the text; the connection must end with a FIN, not a reset.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var (bytes, reset) = await ReadUntilClosedAsync(timeout);
        return reset
            ? throw new InvalidOperationException($"the connection from {LocalEndPoint} was reset after '{HeaderBytes.Show(bytes)}'")
            : Encoding.ASCII.GetString(bytes);
    }

    public void Dispose() => Socket.Dispose();
}
