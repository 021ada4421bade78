using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Api.Support;

/// <summary>Clients of the proxied port, each from its own loopback address 127.0.0.N, so each is its own stick key.</summary>
internal static class ProxyClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static IPAddress Address(int n) =>
        n is >= 1 and <= 254 ? new IPAddress([127, 0, 0, (byte)n]) : throw new ArgumentOutOfRangeException(nameof(n), n, "127.0.0.1 to 127.0.0.254");

    /// <summary>Connects from 127.0.0.<paramref name="client"/>, sends <paramref name="firstMessage"/> if any, and reads the backend's banner.</summary>
    public static async Task<ProxyConnection> OpenAsync(IPEndPoint proxy, int client, byte[]? firstMessage = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            socket.Bind(new IPEndPoint(Address(client), 0));
            await socket.ConnectAsync(proxy, timeout.Token);
            if (firstMessage is { Length: > 0 })
            {
                await socket.SendAsync(firstMessage, timeout.Token);
            }

            var banner = await ReadLineAsync(socket, timeout.Token);
            return new ProxyConnection(socket, banner);
        }
        catch (OperationCanceledException ex)
        {
            socket.Dispose();
            throw new TimeoutException($"client 127.0.0.{client} got no banner through {proxy} within {Timeout}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A whole connection: open, send <paramref name="payload"/>, close our side, read to the end. Returns the group that answered.</summary>
    public static async Task<int> AskAsync(IPEndPoint proxy, int client, byte[]? payload = null)
    {
        await using var connection = await OpenAsync(proxy, client, payload);
        await connection.CloseAsync();
        return connection.Group;
    }

    /// <summary>Connects from 127.0.0.<paramref name="client"/> and expects the proxy to close the connection without forwarding a byte.</summary>
    public static async Task ExpectClosedAsync(IPEndPoint proxy, int client)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Timeout);
        socket.Bind(new IPEndPoint(Address(client), 0));
        var buffer = new byte[256];
        int received;
        try
        {
            // The proxy may reset the connection so fast that even the connect reports it.
            await socket.ConnectAsync(proxy, timeout.Token);
            received = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return;
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"the proxy kept client 127.0.0.{client} open for {Timeout}", ex);
        }

        Assert.True(received == 0, $"client 127.0.0.{client} was forwarded and got '{Encoding.ASCII.GetString(buffer, 0, received)}'");
    }

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancellation)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await socket.ReceiveAsync(one, cancellation) == 0)
            {
                throw new IOException($"the proxy closed the connection before a banner (got '{Encoding.ASCII.GetString([.. line])}')");
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.ASCII.GetString([.. line]);
            }

            line.Add(one[0]);
        }
    }
}

/// <summary>An open client connection through the proxy, after the backend's banner.</summary>
internal sealed class ProxyConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private bool _closed;

    public ProxyConnection(Socket socket, string banner)
    {
        _socket = socket;
        Banner = banner;
    }

    public string Banner { get; }

    /// <summary>The group whose backend answered.</summary>
    public int Group => NamedBackend.GroupOf(Banner);

    /// <summary>Sends <paramref name="bytes"/> to the backend.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(ProxyClient.Timeout);
        await _socket.SendAsync(bytes, timeout.Token);
    }

    /// <summary>Closes our side and reads until the proxy closes its side too, so the whole connection is over.</summary>
    public async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        using var timeout = new CancellationTokenSource(ProxyClient.Timeout);
        _socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"the proxy did not close its side within {ProxyClient.Timeout}", ex);
        }
        finally
        {
            _socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            try
            {
                await CloseAsync();
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
            {
                // Best effort; the socket is disposed either way.
            }
        }
    }
}
