using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Tcpffee.Proxy;

/// <summary>
/// The receives of one direction of a session, one at a time, on event args of its own that report an error as a
/// result rather than an exception.
/// </summary>
/// <remarks>
/// <see cref="Socket.ReceiveAsync(Memory{byte}, SocketFlags, CancellationToken)"/> throws for a peer's reset and for the
/// receive that a teardown ends: behind peers that reset, that was 1.5 exceptions a churned connection and 8 KB more
/// garbage, and their stack traces loaded System.Reflection.Metadata. Kestrel's
/// socket transport receives the same way. Continuations run where the socket completes them, as the socket's own
/// event args run them.
/// </remarks>
internal sealed class SocketReceiver : SocketAsyncEventArgs, IValueTaskSource<SocketReceiveResult>
{
    private ManualResetValueTaskSourceCore<SocketReceiveResult> _completion;

    public SocketReceiver()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Receives into <paramref name="buffer"/>; an empty buffer waits for data (or the end) without reading it.</summary>
    public ValueTask<SocketReceiveResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        _completion.Reset();
        SetBuffer(buffer);
        try
        {
            if (!socket.ReceiveAsync(this))
            {
                return new ValueTask<SocketReceiveResult>(Result());
            }
        }
        catch (ObjectDisposedException)
        {
            // Closed by a teardown before this receive began.
            return new ValueTask<SocketReceiveResult>(new SocketReceiveResult(0, SocketError.OperationAborted));
        }

        return new ValueTask<SocketReceiveResult>(this, _completion.Version);
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => _completion.SetResult(Result());

    private SocketReceiveResult Result() => new(BytesTransferred, SocketError);

    SocketReceiveResult IValueTaskSource<SocketReceiveResult>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<SocketReceiveResult>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<SocketReceiveResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
