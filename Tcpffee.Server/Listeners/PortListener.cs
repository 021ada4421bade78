using System.Net;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Descriptors;

namespace Tcpffee.Listeners;

/// <summary>
/// One bound port and its accept loop. Unbinding stops new connections at once, while connections already accepted
/// keep running; the listener is disposed only after the last of them ends, because disposing it frees the memory
/// pool their buffers come from.
/// </summary>
internal sealed partial class PortListener
{
    private readonly IConnectionListener _listener;
    private readonly ConnectionDelegate _application;
    private readonly ConnectionTracker _tracker;
    private readonly DescriptorReserve _reserve;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _active;
    private volatile bool _unbound;
    private Task _acceptLoop = Task.CompletedTask;

    private PortListener(
        int configuredPort, IConnectionListener listener, ConnectionDelegate application, ConnectionTracker tracker, DescriptorReserve reserve, ILogger logger)
    {
        ConfiguredPort = configuredPort;
        _listener = listener;
        _application = application;
        _tracker = tracker;
        _reserve = reserve;
        _logger = logger;
    }

    public EndPoint EndPoint => _listener.EndPoint;

    /// <summary>The bound port (the actual one when 0 was configured).</summary>
    public int Port => ((IPEndPoint)_listener.EndPoint).Port;

    /// <summary>The port as written in the configuration, which is what portmaps and routing are keyed by.</summary>
    public int ConfiguredPort { get; }

    public static async Task<PortListener> BindAsync(
        IConnectionListenerFactory factory,
        IPEndPoint endPoint,
        ConnectionDelegate application,
        ConnectionTracker tracker,
        DescriptorReserve reserve,
        ILogger logger,
        CancellationToken cancellation)
    {
        var listener = await factory.BindAsync(endPoint, cancellation).ConfigureAwait(false);
        return new PortListener(endPoint.Port, listener, application, tracker, reserve, logger);
    }

    /// <summary>Starts accepting. Until then the kernel queues new connections, so a reload can bind first and route later.</summary>
    public void Start() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Stops accepting; connections already accepted continue.</summary>
    public async Task UnbindAsync()
    {
        _unbound = true;
        await _listener.UnbindAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        if (Volatile.Read(ref _active) == 0)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>After <see cref="UnbindAsync"/>: waits for this port's connections to end, then frees the listener.</summary>
    public async Task DisposeWhenIdleAsync()
    {
        await _idle.Task.ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        var backoff = new AcceptBackoff();
        var waiting = false;
        while (true)
        {
            // Clients wait in the kernel's queue while the connections fill what the descriptor limit leaves, and after a
            // shortage until the reserve is back: the descriptors freed by closing connections go to the API and saves first.
            if (_tracker.AtDescriptorCapacity || !_reserve.TryRestore())
            {
                if (!waiting)
                {
                    waiting = true;
                    LogWaiting(Port, _tracker.Count);
                }

                await Task.Delay(backoff.Next(), _tracker.Time).ConfigureAwait(false);
                if (_unbound)
                {
                    return;
                }

                continue;
            }

            backoff.Reset();
            waiting = false;
            ConnectionContext? connection;
            try
            {
                connection = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // A transient accept failure (EMFILE, say) must not end the loop and silently close the port.
                LogAcceptFailed(Port, ex);
                continue;
            }

            if (connection is null)
            {
                return;
            }

            if (_tracker.TryAdd(connection, this) is not { } tracked)
            {
                LogOverLimit(connection.RemoteEndPoint);
                connection.Abort(new ConnectionAbortedException("max_connections reached"));
                _ = connection.DisposeAsync().AsTask();
                continue;
            }

            Interlocked.Increment(ref _active);
            connection.Features.Set(tracked);
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Listener.RunAsync(s), tracked, preferLocal: false);
        }
    }

    private async Task RunAsync(TrackedConnection tracked)
    {
        try
        {
            await _application(tracked.Context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(tracked.Context.RemoteEndPoint, ex);
        }
        finally
        {
            await tracked.Context.DisposeAsync().ConfigureAwait(false);
            _tracker.Remove(tracked);
            if (Interlocked.Decrement(ref _active) == 0 && _unbound)
            {
                _idle.TrySetResult();
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Closing a connection from {Client} at once: max_connections reached")]
    private partial void LogOverLimit(EndPoint? client);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "Port {Port} waits before accepting: {Count} open connections fill what the file descriptor limit leaves, or a shortage is not over")]
    private partial void LogWaiting(int port, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Accepting on port {Port} failed")]
    private partial void LogAcceptFailed(int port, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Connection from {Client} failed")]
    private partial void LogConnectionFailed(EndPoint? client, Exception exception);
}
