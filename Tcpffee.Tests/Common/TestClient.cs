using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A client connection of the proxy, with reads that fail the test after <see cref="Eventually.DefaultTimeout"/> instead
/// of hanging. The one numbering rule: client N connects from 127.0.0.N (N from 1 to 254; Linux routes all of
/// 127.0.0.0/8 to loopback), so each client number is its own stick key and a test can name a client's key by its number.
/// </summary>
internal sealed class TestClient : IDisposable, IAsyncDisposable
{
    // Linux's IP_BIND_ADDRESS_NO_PORT (IPPROTO_IP = 0, option 24): with a source address bound, the local port is picked
    // at connect time for the whole 4-tuple, as without a bind, instead of at bind time for the address alone. Clients
    // that connect thousands of times from one address then do not run out of ports to their own TIME_WAIT sockets.
    private const int IpProtocolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[16 * 1024];

    private TestClient(Socket socket)
    {
        Socket = socket;
    }

    public Socket Socket { get; }

    /// <summary>The line a <see cref="NamedBackend"/> greeted with, for a client opened by <see cref="OpenNamedAsync"/>.</summary>
    public string? Greeting { get; private set; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    /// <summary>The address of client <paramref name="n"/>: 127.0.0.<paramref name="n"/>.</summary>
    public static IPAddress Source(int n) =>
        n is >= 1 and <= 254 ? new IPAddress([127, 0, 0, (byte)n]) : throw new ArgumentOutOfRangeException(nameof(n), n, "clients are 1 to 254: 127.0.0.1 to 127.0.0.254");

    /// <summary>Connects to <paramref name="target"/> as client <paramref name="sourceN"/>.</summary>
    public static Task<TestClient> ConnectAsync(IPEndPoint target, int sourceN) => ConnectAsync(target, Source(sourceN));

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> as client <paramref name="sourceN"/>.</summary>
    public static Task<TestClient> ConnectAsync(int port, int sourceN) => ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Source(sourceN));

    /// <summary>Connects to <paramref name="target"/> from <paramref name="source"/> (any port), or from wherever the system picks.</summary>
    public static async Task<TestClient> ConnectAsync(IPEndPoint target, IPAddress? source = null)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                if (OperatingSystem.IsLinux() && source.AddressFamily == AddressFamily.InterNetwork)
                {
                    socket.SetRawSocketOption(IpProtocolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            return new TestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects from 127.0.0.<paramref name="sourceN"/>, sends <paramref name="message"/>, and reads until the proxy closes
    /// the connection. A proxy that closes at once may reset the connection before the connect call even returns; that
    /// counts as a reset with no data.
    /// </summary>
    public static async Task<(byte[] Data, StreamEnd End)> ConnectAndReadToEndAsync(IPEndPoint target, int sourceN, string message = "?")
    {
        TestClient client;
        try
        {
            client = await ConnectAsync(target, sourceN).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return ([], StreamEnd.Reset);
        }

        using (client)
        {
            try
            {
                if (message.Length > 0)
                {
                    await client.SendAsync(message).ConfigureAwait(false);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
            {
                // Already closed by the proxy; reading tells how.
            }

            return await client.ReadToEndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Connects to <paramref name="proxy"/> as client <paramref name="sourceN"/> and reads the <see cref="Greeting"/> of the <see cref="NamedBackend"/> it reached.</summary>
    public static async Task<TestClient> OpenNamedAsync(IPEndPoint proxy, int sourceN)
    {
        var client = await ConnectAsync(proxy, sourceN).ConfigureAwait(false);
        try
        {
            client.Greeting = await client.ReceiveLineAsync().ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects to <paramref name="proxy"/> as client <paramref name="sourceN"/>, sends <paramref name="payload"/> (when
    /// given), reads the greeting of the <see cref="NamedBackend"/> it reached and half-closes, then reads to the end and
    /// checks that the backend echoed the payload: one whole connection. Returns the name of the backend that answered.
    /// </summary>
    public static async Task<string> WhoAnswersAsync(IPEndPoint proxy, int sourceN, byte[]? payload = null)
    {
        using var client = await ConnectAsync(proxy, sourceN).ConfigureAwait(false);
        // The payload goes first: with a first-message key the proxy picks the backend only once it has arrived.
        if (payload is { Length: > 0 })
        {
            await client.SendAsync(payload).ConfigureAwait(false);
        }

        var name = await client.ReceiveLineAsync().ConfigureAwait(false);

        var echoed = await client.CloseAsync().ConfigureAwait(false);
        return echoed.AsSpan().SequenceEqual(payload ?? [])
            ? name
            : throw new IOException($"backend {name} echoed '{Encoding.ASCII.GetString(echoed)}' to client {sourceN}");
    }

    /// <summary><see cref="WhoAnswersAsync(IPEndPoint, int, byte[])"/> through 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<string> WhoAnswersAsync(int port, int sourceN, byte[]? payload = null) =>
        WhoAnswersAsync(new IPEndPoint(IPAddress.Loopback, port), sourceN, payload);

    /// <summary>Connects as client <paramref name="sourceN"/> and expects the proxy to close the connection without forwarding a byte.</summary>
    public static async Task ExpectClosedAsync(IPEndPoint proxy, int sourceN)
    {
        var (data, _) = await ConnectAndReadToEndAsync(proxy, sourceN, message: "").ConfigureAwait(false);
        Assert.True(data.Length == 0, $"client {Source(sourceN)} was forwarded and got '{Encoding.ASCII.GetString(data)}'");
    }

    /// <summary>True when a connection to 127.0.0.1:<paramref name="port"/> is refused; a connection that is accepted is closed again.</summary>
    public static async Task<bool> IsRefusedAsync(int port)
    {
        try
        {
            using var probe = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), 254).ConfigureAwait(false);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException)
        {
            // Accepted and dropped, or reset while closing: not refused yet.
            return false;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public Task SendAsync(byte[] bytes) => SendAsync(bytes.AsMemory());

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="message"/> and returns the line that comes back (without the newline).</summary>
    public async Task<string> AskAsync(string message = "?")
    {
        await SendAsync(message).ConfigureAwait(false);
        return await ReceiveLineAsync().ConfigureAwait(false);
    }

    /// <summary>Reads up to and including the next newline; returns the line without it.</summary>
    public async Task<string> ReceiveLineAsync()
    {
        int newline;
        while ((newline = _pending.IndexOf((byte)'\n')) < 0)
        {
            if (!await FillAsync().ConfigureAwait(false))
            {
                throw new EndOfStreamException($"the connection ended before a whole line; got '{Encoding.ASCII.GetString([.. _pending])}'");
            }
        }

        var line = Encoding.ASCII.GetString([.. _pending.GetRange(0, newline)]);
        _pending.RemoveRange(0, newline + 1);
        return line;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReceiveExactlyAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await FillAsync().ConfigureAwait(false))
            {
                throw new EndOfStreamException($"the connection ended after {_pending.Count} of {count} bytes");
            }
        }

        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Reads until the stream ends and returns what arrived and how it ended (FIN or RST); each read may wait <paramref name="timeout"/>.</summary>
    public async Task<(byte[] Data, StreamEnd End)> ReadToEndAsync(TimeSpan? timeout = null)
    {
        try
        {
            while (await FillAsync(timeout).ConfigureAwait(false))
            {
            }

            return (Drain(), StreamEnd.Eof);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return (Drain(), StreamEnd.Reset);
        }
    }

    /// <summary>Reads to the end and returns the text; the connection must end with a FIN, not a reset.</summary>
    public async Task<string> ReadTextToEndAsync(TimeSpan? timeout = null)
    {
        var (data, end) = await ReadToEndAsync(timeout).ConfigureAwait(false);
        return end == StreamEnd.Reset
            ? throw new InvalidOperationException($"the connection from {LocalEndPoint} was reset after '{Encoding.ASCII.GetString(data)}'")
            : Encoding.ASCII.GetString(data);
    }

    /// <summary>Sends <paramref name="text"/> and reads as many bytes back; fails unless they are the same (for echoing backends).</summary>
    public async Task RoundTripAsync(string text)
    {
        var sent = Encoding.UTF8.GetBytes(text);
        await SendAsync(sent).ConfigureAwait(false);
        var received = await ReceiveExactlyAsync(sent.Length).ConfigureAwait(false);
        if (!received.AsSpan().SequenceEqual(sent))
        {
            throw new IOException($"sent '{text}' but received '{Encoding.UTF8.GetString(received)}'");
        }
    }

    /// <summary>Half-closes and reads until the proxy closes its side too, so the whole connection is over; returns what came meanwhile.</summary>
    public async Task<byte[]> CloseAsync()
    {
        ShutdownSend();
        var (data, _) = await ReadToEndAsync().ConfigureAwait(false);
        return data;
    }

    /// <summary>Sends FIN; receiving continues.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with RST (linger 0).</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose() => Socket.Dispose();

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private byte[] Drain()
    {
        var data = _pending.ToArray();
        _pending.Clear();
        return data;
    }

    /// <summary>Appends one read to the pending bytes; false at end of stream.</summary>
    private async Task<bool> FillAsync(TimeSpan? limit = null)
    {
        var wait = limit ?? Eventually.DefaultTimeout;
        using var timeout = new CancellationTokenSource(wait);
        int read;
        try
        {
            read = await Socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing arrived within {wait.TotalSeconds} s (after {_pending.Count} pending bytes)");
        }

        _pending.AddRange(_buffer.AsSpan(0, read));
        return read > 0;
    }
}
