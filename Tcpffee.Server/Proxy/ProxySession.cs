using System.Buffers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Listeners;

namespace Tcpffee.Proxy;

/// <summary>
/// Copies one client connection to its backend and back, propagating half-close and reset each way.
/// </summary>
/// <remarks>
/// Both directions are the same loop, socket to socket: wait for data without a buffer (a zero-byte receive), take a
/// 64 KiB buffer from the pool, read and send until a read comes back short, then give the buffer back. An idle
/// connection holds no buffer either way; a read that fills the buffer marks a bulk stream, which then reads 256 KiB
/// at a time, the next read running while the last chunk is sent. Sends are tried at once on the non-blocking
/// sockets, and only what the kernel does not take yet waits. On failure of one direction the other is torn down; on a
/// clean end of one side, its FIN is passed on and the other direction keeps running; both are always awaited.
/// </remarks>
internal sealed class ProxySession
{
    /// <summary>Large enough for one bulk read per syscall; returned to the pool whenever a side goes quiet.</summary>
    public const int BufferSize = 64 * 1024;

    /// <summary>The reads of a bulk stream, once a read filled <see cref="BufferSize"/>: a quarter of the syscalls each way.</summary>
    private const int BulkBufferSize = 256 * 1024;

    private const int ClientEnded = 1;
    private const int BackendEnded = 2;

    private readonly ConnectionContext _client;
    private readonly Socket _clientSocket;
    private readonly Socket _backend;
    private readonly TrackedConnection? _tracked;
    private readonly TimeProvider _time;
    private int _tornDown;

    // Which sides have sent their FIN: 1 the client, 2 the backend. The second FIN needs no shutdown call of its own:
    // the close that follows at once sends it (with nothing left unread on that socket, the close is a clean FIN).
    private int _ended;
    private long _bytesUp;
    private long _bytesDown;

    public ProxySession(ConnectionContext client, Socket clientSocket, Socket backend, TrackedConnection? tracked, TimeProvider time)
    {
        _client = client;
        _clientSocket = clientSocket;
        _backend = backend;
        _tracked = tracked;
        _time = time;
    }

    public long BytesUp => _bytesUp;

    public long BytesDown => _bytesDown;

    /// <summary>Runs both directions to their end; <paramref name="first"/> is what the preamble read from the client, sent first.</summary>
    public async Task<(CopyResult Up, CopyResult Down)> RunAsync(ClientPrefix? first)
    {
        if (_tracked is not null)
        {
            _tracked.Session = this;
        }

        // Sends are tried without waiting first (see SendAsync); receives stay asynchronous. Pipes over the client socket
        // (ProxySocketConnection.Transport) would have to be made before this: a NetworkStream needs a blocking socket.
        _clientSocket.Blocking = false;
        _backend.Blocking = false;
        var up = CopyAsync(_clientSocket, _backend, ClientEnded, first);
        var down = CopyAsync(_backend, _clientSocket, BackendEnded, null);
        var results = (await up.ConfigureAwait(false), await down.ConfigureAwait(false));
        if (Interlocked.Exchange(ref _tornDown, 1) == 0)
        {
            // Both sides sent FIN and both were passed on: a clean end. The client is closed when the handler returns.
            _backend.Dispose();
        }

        return results;
    }

    /// <summary>One direction: <paramref name="ended"/> is the source's bit in <c>_ended</c>; upstream, <paramref name="first"/> goes first.</summary>
    private async Task<CopyResult> CopyAsync(Socket source, Socket destination, int ended, ClientPrefix? first)
    {
        byte[]? buffer = null;
        byte[]? ahead = null;
        var receiver = new SocketReceiver();
        ValueTask<SocketReceiveResult> aheadRead = default;
        var readingAhead = false;
        var result = CopyResult.Aborted;
        try
        {
            if (first is not null)
            {
                var sourceEnded = first.Ended;
                if (first.Length > 0 && !await SendAsync(destination, first.Unread, ended).ConfigureAwait(false))
                {
                    result = DestinationResult();
                    return result;
                }

                first.Dispose();
                if (sourceEnded)
                {
                    result = PassFin(destination, ended);
                    return result;
                }
            }

            while (true)
            {
                SocketReceiveResult receive;
                if (readingAhead)
                {
                    readingAhead = false;
                    receive = await aheadRead.ConfigureAwait(false);
                    (buffer, ahead) = (ahead, buffer);
                }
                else
                {
                    if (buffer is null)
                    {
                        // Wait for data before taking a buffer, so that idle connections hold none.
                        receive = await receiver.ReceiveAsync(source, Memory<byte>.Empty).ConfigureAwait(false);
                        if (!receive.Succeeded)
                        {
                            result = SourceResult(receive.Error);
                            return result;
                        }

                        buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    }

                    receive = await receiver.ReceiveAsync(source, buffer.AsMemory()).ConfigureAwait(false);
                }

                if (!receive.Succeeded)
                {
                    result = SourceResult(receive.Error);
                    return result;
                }

                int received = receive.Bytes;
                if (received == 0)
                {
                    result = PassFin(destination, ended);
                    return result;
                }

                if (received == buffer!.Length)
                {
                    // A full read is a bulk stream: from now on it reads 256 KiB at a time, the next read running while this
                    // chunk is sent, as Kestrel's pipe reads ahead and sends what it buffered at once. 64 KiB reads one
                    // after the other move a single upload about a quarter slower.
                    if (ahead is { Length: < BulkBufferSize })
                    {
                        Return(ref ahead);
                    }

                    ahead ??= ArrayPool<byte>.Shared.Rent(BulkBufferSize);
                    aheadRead = receiver.ReceiveAsync(source, ahead.AsMemory());
                    readingAhead = true;
                }

                if (!await SendAsync(destination, buffer.AsMemory(0, received), ended).ConfigureAwait(false))
                {
                    result = DestinationResult();
                    return result;
                }

                if (!readingAhead || !aheadRead.IsCompleted)
                {
                    // Nothing more to read yet: a stream that pauses holds at most the buffer being read into.
                    Return(ref buffer);
                }

                if (!readingAhead)
                {
                    Return(ref ahead);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            result = CopyResult.Aborted;
            return result;
        }
        finally
        {
            if (result != CopyResult.Completed)
            {
                TearDown(reset: result is CopyResult.SourceReset or CopyResult.DestinationFailed);
            }

            if (readingAhead)
            {
                // The read ahead may still write into its buffer until the closed socket ends it: only then can it go back.
                _ = await aheadRead.ConfigureAwait(false);
            }

            receiver.Dispose();
            Return(ref buffer);
            Return(ref ahead);
        }
    }

    /// <summary>A receive failed: a reset by the source, unless the session's own teardown ended it.</summary>
    private CopyResult SourceResult(SocketError error) =>
        error == SocketError.ConnectionReset && Volatile.Read(ref _tornDown) == 0 ? CopyResult.SourceReset : CopyResult.Aborted;

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }

    /// <summary>Sends and counts; false when the destination failed (or the session was torn down meanwhile).</summary>
    private async ValueTask<bool> SendAsync(Socket destination, ReadOnlyMemory<byte> bytes, int ended)
    {
        Touch();
        try
        {
            // Most sends complete at once. One that completes here needs no event args, which a socket keeps for the
            // rest of its life once it has sent asynchronously (about 300 B a socket, while the connection idles).
            var sent = destination.Send(bytes.Span, SocketFlags.None, out var error);
            if (error is not (SocketError.Success or SocketError.WouldBlock))
            {
                return false;
            }

            if (sent < bytes.Length)
            {
                await destination.SendAsync(bytes[sent..], SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }

        if (ended == ClientEnded)
        {
            _bytesUp += bytes.Length;
        }
        else
        {
            _bytesDown += bytes.Length;
        }

        return true;
    }

    private CopyResult DestinationResult() => Volatile.Read(ref _tornDown) != 0 ? CopyResult.Aborted : CopyResult.DestinationFailed;

    /// <summary>The source sent FIN: passes it on, unless the other side has ended too and the close will send it.</summary>
    private CopyResult PassFin(Socket destination, int ended)
    {
        if ((Interlocked.Or(ref _ended, ended) & ~ended) == 0)
        {
            destination.Shutdown(SocketShutdown.Send);
        }

        return CopyResult.Completed;
    }

    /// <summary>Closes both sides with a FIN, from outside: idle timeout or shutdown.</summary>
    public void Abort() => TearDown(reset: false);

    /// <summary>Closes both sides once; with <paramref name="reset"/>, as a reset (RST) rather than a FIN.</summary>
    private void TearDown(bool reset)
    {
        if (Interlocked.Exchange(ref _tornDown, 1) != 0)
        {
            return;
        }

        if (reset)
        {
            // Linger 0 makes close send RST. The client socket is closed here, before the connection's own close would send a FIN.
            ProxySocketConnection.TryResetOnClose(_backend);
            if (_client is ProxySocketConnection connection)
            {
                connection.Reset();
                _backend.Dispose();
                return;
            }

            ProxySocketConnection.TryResetOnClose(_clientSocket);
            _clientSocket.Dispose();
        }

        _backend.Dispose();
        _client.Abort();
    }

    private void Touch()
    {
        _tracked?.MarkActive(_time.GetTimestamp());
    }
}
