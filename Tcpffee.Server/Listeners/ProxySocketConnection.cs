using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Tcpffee.Listeners;

/// <summary>
/// A proxied client connection as the proxy's transport hands it to the pipeline: the accepted socket itself
/// (<see cref="IConnectionSocketFeature"/>), which the proxy reads and writes directly. Kestrel's socket connection would
/// add a receive loop and two pipes to every connection; here the pipes (<see cref="Transport"/>) are made only if
/// something asks for them, which the proxy never does.
/// </summary>
/// <remarks>
/// The lifetime is Kestrel's: the pipeline's end returns, then the connection is disposed, which closes the socket.
/// <see cref="Abort(ConnectionAbortedException)"/> closes it at once (FIN to the client) and fails any pending read or
/// write; <see cref="Reset"/> closes it with a reset instead. <see cref="ConnectionClosed"/> fires on abort, reset and
/// dispose; unlike Kestrel's, not on the client's FIN, as nothing reads the socket on the transport's behalf.
/// </remarks>
internal sealed partial class ProxySocketConnection : ConnectionContext
{
    private static long s_lastId;

    private readonly Socket _socket;
    private SocketDuplexPipe? _pipes;
    private IDuplexPipe? _transport;
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private EndPoint? _localEndPoint;
    private EndPoint? _remoteEndPoint;
    private CancellationTokenSource? _closed;
    private CancellationToken? _closedToken;
    private int _ended;

    public ProxySocketConnection(Socket socket)
    {
        _socket = socket;
    }

    public Socket Socket => _socket;

    /// <summary>Whether anything asked for <see cref="Transport"/>; the proxy's own path never does.</summary>
    public bool HasPipes => _pipes is not null || _transport is not null;

    /// <summary>Made on first use; pipes over the socket for whatever needs a pipe, never the proxy's own path.</summary>
    public override IDuplexPipe Transport
    {
        get
        {
            if (_transport is { } transport)
            {
                return transport;
            }

            // Two first callers at once each make a pair and one is kept; the other holds nothing but garbage.
            Interlocked.CompareExchange(ref _pipes, new SocketDuplexPipe(_socket), null);
            Interlocked.CompareExchange(ref _transport, _pipes, null);
            return _transport;
        }
        set => _transport = value;
    }

    /// <summary>A number of this process's, as text only when asked for: most connections are never named.</summary>
    public override string ConnectionId
    {
        get => _connectionId ??= "proxy-" + Interlocked.Increment(ref s_lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _localEndPoint ??= _socket.LocalEndPoint;
        set => _localEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _remoteEndPoint ??= _socket.RemoteEndPoint;
        set => _remoteEndPoint = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get
        {
            if (_closedToken is { } token)
            {
                return token;
            }

            // Made once asked for. Closing sets the flag before it reads the source, and this reads the flag after setting
            // the source, so whichever comes second cancels it; a connection already closed hands out a fired token.
            Interlocked.CompareExchange(ref _closed, new CancellationTokenSource(), null);
            if (Volatile.Read(ref _ended) != 0)
            {
                _closed.Cancel();
            }

            return _closed.Token;
        }
        set => _closedToken = value;
    }

    /// <summary>Closes the client at once, as Kestrel's transport does: shutdown both ways (a FIN), then close.</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (!MarkClosed())
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client is gone already, or the proxy closed the socket itself (a reset): nothing to shut down.
        }

        _socket.Dispose();
        CancelClosed();
    }

    /// <summary>Closes the client with a reset (RST) rather than a FIN: no shutdown, which would send the FIN first.</summary>
    public void Reset()
    {
        if (!MarkClosed())
        {
            return;
        }

        TryResetOnClose(_socket);
        _socket.Dispose();
        CancelClosed();
    }

    /// <summary>Makes the socket's close send RST (linger 0), unless it is closed already.</summary>
    public static void TryResetOnClose(Socket socket)
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

    public override ValueTask DisposeAsync()
    {
        _pipes?.Complete();
        MarkClosed();
        _socket.Dispose();
        CancelClosed();

        // The token source is not disposed: it has no timer, and a token handed out must stay usable.
        return base.DisposeAsync();
    }

    /// <summary>True for the first of abort, reset and dispose.</summary>
    private bool MarkClosed() => Interlocked.Exchange(ref _ended, 1) == 0;

    private void CancelClosed() => Volatile.Read(ref _closed)?.Cancel();
}
