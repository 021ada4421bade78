using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Health.Support;

/// <summary>A client of the proxy from a chosen loopback address (each 127.0.0.N is another stick key).</summary>
internal static class ProxyClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The loopback address of client number <paramref name="n"/> (1–250): 127.0.0.(n+1), never 127.0.0.1 itself.</summary>
    public static IPAddress Address(int n) =>
        n is >= 1 and <= 250 ? new IPAddress([127, 0, 0, (byte)(n + 1)]) : throw new ArgumentOutOfRangeException(nameof(n));

    /// <summary>Connects from <paramref name="source"/> and returns the name of the backend that answered, read to the end.</summary>
    public static async Task<string> AskAsync(IPEndPoint proxy, IPAddress source)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(proxy, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        var reply = new MemoryStream();
        var buffer = new byte[256];
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                reply.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no end of the answer from {proxy} to {source} within {Timeout.TotalSeconds} s");
        }
        catch (SocketException ex)
        {
            // The proxy closes a client it cannot route with a reset; the test sees that as "no backend".
            return $"(error: {ex.SocketErrorCode})";
        }

        return Encoding.ASCII.GetString(reply.ToArray());
    }
}
