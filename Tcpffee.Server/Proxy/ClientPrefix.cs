using System.Buffers;
using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>
/// What the proxy reads from a client before the copy starts (the PROXY header, the first message for the key), in one
/// pooled buffer. The header is consumed; what follows stays unread and is the first thing the copy sends, so nothing
/// is lost, sent twice or reordered.
/// </summary>
internal sealed class ClientPrefix : IDisposable
{
    private readonly int _capacity;
    private byte[]? _buffer;
    private int _start;
    private int _end;

    /// <summary>A prefix that can hold <paramref name="needed"/> bytes, and at least a bulk read of the copy.</summary>
    public ClientPrefix(int needed)
    {
        _capacity = Math.Max(ProxySession.BufferSize, needed);
    }

    /// <summary>The bytes read and not consumed, in the order the client sent them.</summary>
    public ReadOnlyMemory<byte> Unread => _buffer is { } buffer ? buffer.AsMemory(_start, _end - _start) : ReadOnlyMemory<byte>.Empty;

    public int Length => _end - _start;

    /// <summary>True once the client has finished sending (its FIN was read).</summary>
    public bool Ended { get; private set; }

    /// <summary>
    /// Waits for the client to send, then appends what it sent; false when it has finished sending instead. No buffer is
    /// taken until there is something to read, so a client that sends nothing holds none.
    /// </summary>
    public async ValueTask<bool> ReceiveAsync(Socket socket, CancellationToken cancellation)
    {
        if (Ended)
        {
            return false;
        }

        if (_buffer is null)
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellation).ConfigureAwait(false);
            _buffer = ArrayPool<byte>.Shared.Rent(_capacity);
        }

        if (_end == _buffer.Length)
        {
            // Cannot happen within the bounds above; a full buffer is as much as any reader of the prefix needs.
            return true;
        }

        var received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellation).ConfigureAwait(false);
        _end += received;
        Ended = received == 0;
        return !Ended;
    }

    /// <summary>Drops <paramref name="count"/> bytes from the front of what is unread: a PROXY header that is not passed on.</summary>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        _start += count;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _start = _end = 0;
    }
}
