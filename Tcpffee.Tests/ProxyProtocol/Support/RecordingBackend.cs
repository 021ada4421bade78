using System.Net;
using System.Net.Sockets;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>
/// A loopback TCP server that records every byte each connection sends, in order, until that connection ends; an optional
/// handler answers each connection while it is being recorded.
/// </summary>
internal sealed class RecordingBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<BackendConnection, Task>? _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<BackendConnection> _connections = [];
    private readonly Task _acceptLoop;

    private RecordingBackend(Socket listener, Func<BackendConnection, Task>? handler)
    {
        _listener = listener;
        _handler = handler;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Every connection accepted so far, oldest first.</summary>
    public IReadOnlyList<BackendConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Listens on <paramref name="address"/> (127.0.0.1 by default), port chosen by the system.</summary>
    public static RecordingBackend Start(Func<BackendConnection, Task>? handler = null, IPAddress? address = null)
    {
        var bind = address ?? IPAddress.Loopback;
        var listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(bind, 0));
        listener.Listen(128);
        return new RecordingBackend(listener, handler);
    }

    /// <summary>Waits until at least <paramref name="count"/> connections were accepted and returns them all.</summary>
    public Task<IReadOnlyList<BackendConnection>> WaitForConnectionsAsync(int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Connections, c => c.Count >= count, $"{count} connection(s) at the backend {EndPoint}", timeout, c => $"{c.Count} connection(s)");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        foreach (var connection in Connections)
        {
            connection.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stopping.Token);
            var connection = new BackendConnection(socket);
            lock (_connections)
            {
                _connections.Add(connection);
            }

            connection.StartReading();
            if (_handler is { } handler)
            {
                _ = RunHandlerAsync(handler, connection);
            }
        }
    }

    private static async Task RunHandlerAsync(Func<BackendConnection, Task> handler, BackendConnection connection)
    {
        try
        {
            await handler(connection);
        }
        catch (Exception ex)
        {
            // The test sees it through the connection; a handler failure must not go unnoticed.
            connection.HandlerError = ex;
            connection.Dispose();
        }
    }
}

/// <summary>One connection accepted by a <see cref="RecordingBackend"/>: what it sent so far, and whether it ended.</summary>
internal sealed class BackendConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private readonly MemoryStream _received = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    public BackendConnection(Socket socket)
    {
        _socket = socket;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>The address and port the connection came from, as the backend sees it.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Set when the handler threw.</summary>
    public Exception? HandlerError { get; set; }

    /// <summary>Every byte received so far.</summary>
    public byte[] Received
    {
        get
        {
            lock (_lock)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Whether the peer closed (FIN or reset).</summary>
    public bool Ended
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the bytes received so far; fails at once if the connection ends first.</summary>
    public async Task<byte[]> WaitForAsync(Func<byte[], bool> predicate, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        while (true)
        {
            byte[] bytes;
            bool ended;
            Task changed;
            lock (_lock)
            {
                bytes = _received.ToArray();
                ended = _ended;
                changed = _changed.Task;
            }

            if (predicate(bytes))
            {
                return bytes;
            }

            if (ended)
            {
                throw new InvalidOperationException($"the connection from {Remote} ended before {what}; it sent '{HeaderBytes.Show(bytes)}'");
            }

            try
            {
                await changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s; the connection from {Remote} sent '{HeaderBytes.Show(bytes)}'");
            }
        }
    }

    /// <summary>Waits until the peer closes, and returns everything it sent.</summary>
    public async Task<byte[]> WaitForEndAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_ended)
                {
                    return _received.ToArray();
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the connection from {Remote} did not end within {limit.TotalSeconds} s; it sent '{HeaderBytes.Show(Received)}'");
            }
        }
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Sends FIN: the backend is done answering.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => _socket.Dispose();

    internal void StartReading() => _ = ReadLoopAsync();

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                Signal(() => _received.Write(buffer, 0, n));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset or our own dispose: the connection ended.
        }

        Signal(() => _ended = true);
    }

    private void Signal(Action change)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
