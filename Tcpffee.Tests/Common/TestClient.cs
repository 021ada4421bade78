using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A client socket bound to a chosen loopback source address (127.0.0.N acts as machine N), with reads that fail the
/// test after <see cref="Eventually.DefaultTimeout"/> instead of hanging.
/// </summary>
public sealed class TestClient : IDisposable
{
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[16 * 1024];

    private TestClient(Socket socket)
    {
        Socket = socket;
    }

    public Socket Socket { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    /// <summary>The loopback address 127.0.0.<paramref name="n"/>.</summary>
    public static IPAddress Source(int n) => new([127, 0, 0, (byte)n]);

    /// <summary>Connects to <paramref name="target"/> from 127.0.0.<paramref name="sourceN"/>.</summary>
    public static Task<TestClient> ConnectAsync(IPEndPoint target, int sourceN) => ConnectAsync(target, Source(sourceN));

    /// <summary>Connects to <paramref name="target"/> from <paramref name="source"/> (any port).</summary>
    public static async Task<TestClient> ConnectAsync(IPEndPoint target, IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
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
                await client.SendAsync(message).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
            {
                // Already closed by the proxy; reading tells how.
            }

            return await client.ReadToEndAsync().ConfigureAwait(false);
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

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

    /// <summary>Reads until the stream ends and returns what arrived and how it ended (FIN or RST).</summary>
    public async Task<(byte[] Data, StreamEnd End)> ReadToEndAsync()
    {
        try
        {
            while (await FillAsync().ConfigureAwait(false))
            {
            }

            return (Drain(), StreamEnd.Eof);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (Drain(), StreamEnd.Reset);
        }
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

    private byte[] Drain()
    {
        var data = _pending.ToArray();
        _pending.Clear();
        return data;
    }

    /// <summary>Appends one read to the pending bytes; false at end of stream.</summary>
    private async Task<bool> FillAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        int read;
        try
        {
            read = await Socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing arrived within {Eventually.DefaultTimeout.TotalSeconds} s (after {_pending.Count} pending bytes)");
        }

        _pending.AddRange(_buffer.AsSpan(0, read));
        return read > 0;
    }
}
