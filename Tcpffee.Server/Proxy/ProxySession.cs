using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Listeners;

namespace Tcpffee.Proxy;

/// <summary>
/// Copies one client connection to its backend and back, propagating half-close and reset each way.
/// </summary>
/// <remarks>
/// Client → backend reads Kestrel's input pipe. Backend → client writes straight to the client socket rather than
/// Kestrel's output pipe: completing that pipe shuts down both directions, so a backend FIN could not be passed on
/// while the client keeps sending. On failure of one direction the other is torn down; on a clean end of one side,
/// its FIN is passed on and the other direction keeps running; both are always awaited.
/// </remarks>
internal sealed class ProxySession
{
    // Large enough for one bulk read per syscall; returned to the pool whenever the backend goes quiet.
    private const int DownstreamBufferSize = 64 * 1024;

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

    /// <summary>Runs both directions to their end; <paramref name="first"/> is the unconsumed read left by the first-message peek.</summary>
    public async Task<(CopyResult Up, CopyResult Down)> RunAsync(ReadResult? first)
    {
        if (_tracked is not null)
        {
            _tracked.Session = this;
        }

        var up = UpstreamAsync(first);
        var down = DownstreamAsync();
        var results = (await up.ConfigureAwait(false), await down.ConfigureAwait(false));
        if (Interlocked.Exchange(ref _tornDown, 1) == 0)
        {
            // Both sides sent FIN and both were passed on: a clean end. Kestrel closes the client when the handler returns.
            _backend.Dispose();
        }

        return results;
    }

    private async Task<CopyResult> UpstreamAsync(ReadResult? first)
    {
        var input = _client.Transport.Input;
        var result = CopyResult.Aborted;
        List<ArraySegment<byte>>? gather = null;
        try
        {
            var read = first ?? await input.ReadAsync().ConfigureAwait(false);
            while (true)
            {
                var buffer = read.Buffer;
                if (!buffer.IsEmpty)
                {
                    Touch();
                    try
                    {
                        if (buffer.IsSingleSegment)
                        {
                            await _backend.SendAsync(buffer.First, SocketFlags.None).ConfigureAwait(false);
                        }
                        else
                        {
                            // One gathered send per read instead of one syscall per 4 KiB pipe segment.
                            gather ??= [];
                            Gather(buffer, gather);
                            await _backend.SendAsync(gather, SocketFlags.None).ConfigureAwait(false);
                            gather.Clear();
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                        result = Volatile.Read(ref _tornDown) != 0 ? CopyResult.Aborted : CopyResult.DestinationFailed;
                        return result;
                    }

                    _bytesUp += buffer.Length;
                }

                input.AdvanceTo(buffer.End);
                if (read.IsCompleted)
                {
                    if ((Interlocked.Or(ref _ended, ClientEnded) & BackendEnded) == 0)
                    {
                        _backend.Shutdown(SocketShutdown.Send);
                    }

                    result = CopyResult.Completed;
                    return result;
                }

                read = await input.ReadAsync().ConfigureAwait(false);
            }
        }
        catch (ConnectionResetException)
        {
            result = CopyResult.SourceReset;
            return result;
        }
        catch (Exception ex) when (ex is ConnectionAbortedException or ObjectDisposedException or SocketException or InvalidOperationException)
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
        }
    }

    private async Task<CopyResult> DownstreamAsync()
    {
        byte[]? buffer = null;
        var result = CopyResult.Aborted;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    // Wait for data before taking a buffer, so that idle connections hold none.
                    await _backend.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(DownstreamBufferSize);
                }

                var received = await _backend.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    if ((Interlocked.Or(ref _ended, BackendEnded) & ClientEnded) == 0)
                    {
                        _clientSocket.Shutdown(SocketShutdown.Send);
                    }

                    result = CopyResult.Completed;
                    return result;
                }

                Touch();
                try
                {
                    await _clientSocket.SendAsync(buffer.AsMemory(0, received), SocketFlags.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    result = Volatile.Read(ref _tornDown) != 0 ? CopyResult.Aborted : CopyResult.DestinationFailed;
                    return result;
                }

                _bytesDown += received;
                if (received < buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset && Volatile.Read(ref _tornDown) == 0)
        {
            result = CopyResult.SourceReset;
            return result;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            result = CopyResult.Aborted;
            return result;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (result != CopyResult.Completed)
            {
                TearDown(reset: result is CopyResult.SourceReset or CopyResult.DestinationFailed);
            }
        }
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
            // Linger 0 makes close send RST. The client socket is closed here, before Kestrel's own close would send a FIN.
            TryResetOnClose(_backend);
            TryResetOnClose(_clientSocket);
            _clientSocket.Dispose();
        }

        _backend.Dispose();
        _client.Abort();
    }

    private static void TryResetOnClose(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to reset.
        }
    }

    private void Touch()
    {
        _tracked?.MarkActive(_time.GetTimestamp());
    }

    private static void Gather(ReadOnlySequence<byte> buffer, List<ArraySegment<byte>> segments)
    {
        foreach (var memory in buffer)
        {
            if (!MemoryMarshal.TryGetArray(memory, out var segment))
            {
                segment = new ArraySegment<byte>(memory.ToArray());
            }

            segments.Add(segment);
        }
    }
}
