using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>One connection a <see cref="RecordingBackend"/> accepted: what it received so far, how its receiving ended, and controls.</summary>
internal sealed class BackendConnection
{
    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private readonly List<byte> _received = [];
    private readonly AsyncSignal _changed = new();
    private readonly TaskCompletionSource<StreamEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackendConnection(Socket socket)
    {
        _socket = socket;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>The address and port the connection came from, as the backend sees it.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Set when the backend's handler threw.</summary>
    public Exception? HandlerError { get; set; }

    /// <summary>Completes when receiving ends: <see cref="StreamEnd.Eof"/> on FIN, <see cref="StreamEnd.Reset"/> on RST.</summary>
    public Task<StreamEnd> Ended => _ended.Task;

    /// <summary>Everything received so far.</summary>
    public byte[] Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    public string ReceivedText => Encoding.ASCII.GetString(Received);

    private int ReceivedLength
    {
        get
        {
            lock (_lock)
            {
                return _received.Count;
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> bytes have arrived and returns everything received.</summary>
    public async Task<byte[]> WaitForReceivedAsync(int count)
    {
        await _changed.WaitUntilAsync(() => ReceivedLength >= count || _ended.Task.IsCompleted, $"the backend received {count} bytes").ConfigureAwait(false);
        var received = Received;
        return received.Length >= count
            ? received
            : throw new InvalidOperationException($"the backend connection ended ({await _ended.Task.ConfigureAwait(false)}) after {received.Length} of {count} bytes");
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the bytes received so far; fails at once if the connection ends first.</summary>
    public async Task<byte[]> WaitForAsync(Func<byte[], bool> predicate, string what, TimeSpan? timeout = null)
    {
        await _changed.WaitUntilAsync(() => predicate(Received) || _ended.Task.IsCompleted, what, timeout).ConfigureAwait(false);
        var received = Received;
        return predicate(received)
            ? received
            : throw new InvalidOperationException($"the connection from {Remote} ended before {what}; it sent '{Show(received)}'");
    }

    /// <summary>Waits until the peer ends the stream (FIN or reset) and returns everything it sent.</summary>
    public async Task<byte[]> WaitForAllReceivedAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        try
        {
            await _ended.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the connection from {Remote} did not end within {limit.TotalSeconds} s; it sent '{Show(Received)}'");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Ended by our own close: what arrived before is the answer.
        }

        return Received;
    }

    /// <summary>Waits until receiving has ended and returns how.</summary>
    public async Task<StreamEnd> WaitForEndAsync() => await _ended.Task.WaitAsync(Eventually.DefaultTimeout).ConfigureAwait(false);

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);

    /// <summary>Sends FIN; receiving continues.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with RST (linger 0).</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
        _closed.TrySetResult();
    }

    /// <summary>Closes normally.</summary>
    public void Close()
    {
        _socket.Close();
        _closed.TrySetResult();
    }

    /// <summary>Printable ASCII as is, anything else as <c>\xNN</c>, for failure messages.</summary>
    private static string Show(byte[] bytes) =>
        string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}"));

    /// <summary>Receives until the peer ends the stream, then keeps the socket until the test closes it or the backend stops.</summary>
    internal async Task RunAsync(CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellation).ConfigureAwait(false)) > 0)
            {
                lock (_lock)
                {
                    _received.AddRange(buffer.AsSpan(0, read));
                }

                _changed.Pulse();
            }

            _ended.TrySetResult(StreamEnd.Eof);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            _ended.TrySetResult(StreamEnd.Reset);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _ended.TrySetException(ex);
        }
        finally
        {
            _changed.Pulse();
        }

        await _closed.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }
}
