using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Descriptors;

namespace Tcpffee.Listeners;

/// <summary>
/// One listening socket. An accept that fails for lack of descriptors lets the <see cref="DescriptorReserve"/> go and
/// waits (<see cref="AcceptBackoff"/>) before it tries again; the client stays queued in the kernel meanwhile. What an
/// accepted socket becomes is the transport's: Kestrel's socket connection for HTTP, a <see cref="ProxySocketConnection"/>
/// for the proxied ports.
/// </summary>
internal sealed partial class PausingSocketListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly Func<Socket, ConnectionContext> _contexts;
    private readonly IDisposable? _ownedContexts;
    private readonly bool _noDelay;
    private readonly DescriptorReserve _reserve;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AcceptBackoff _backoff = new();
    private readonly CancellationTokenSource _unbound = new();
    private int _disposed;

    public PausingSocketListener(
        Socket socket,
        Func<Socket, ConnectionContext> contexts,
        IDisposable? ownedContexts,
        bool noDelay,
        DescriptorReserve reserve,
        TimeProvider time,
        ILogger logger)
    {
        _socket = socket;
        _contexts = contexts;
        _ownedContexts = ownedContexts;
        _noDelay = noDelay;
        _reserve = reserve;
        _time = time;
        _logger = logger;
        EndPoint = socket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException e) when (IsShortage(e.SocketErrorCode))
            {
                _reserve.Release(EndPoint.ToString() ?? "?");
                if (!await PauseAsync(e.SocketErrorCode, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }
            catch (SocketException)
            {
                // The client reset while it was queued; take the next one, as Kestrel does.
                continue;
            }

            _backoff.Reset();
            if (accepted.LocalEndPoint is IPEndPoint)
            {
                accepted.NoDelay = _noDelay;
            }

            return _contexts(accepted);
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _unbound.Cancel();
        }

        _socket.Dispose();
        return default;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return default;
        }

        _unbound.Cancel();
        _socket.Dispose();
        _ownedContexts?.Dispose();
        _unbound.Dispose();
        return default;
    }

    /// <summary>EMFILE and ENFILE (too many open files) and ENOBUFS or ENOMEM: the process, not the client, is short.</summary>
    internal static bool IsShortage(SocketError error) => error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    /// <summary>Waits the backoff; false when the listener was unbound or the accept cancelled meanwhile.</summary>
    private async Task<bool> PauseAsync(SocketError error, CancellationToken cancellationToken)
    {
        var wait = _backoff.Next();
        LogPaused(EndPoint, error, wait.TotalMilliseconds);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_unbound.Token, cancellationToken);
        try
        {
            await Task.Delay(wait, _time, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1023, Level = LogLevel.Debug, Message = "Accept on {EndPoint} failed ({Error}); trying again in {Milliseconds} ms")]
    private partial void LogPaused(EndPoint endPoint, SocketError error, double milliseconds);
}
