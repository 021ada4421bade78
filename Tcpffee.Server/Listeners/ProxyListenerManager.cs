using System.Net;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Configuration;
using Tcpffee.Model;
using Tcpffee.Proxy;

namespace Tcpffee.Listeners;

/// <summary>
/// Binds one listener per configured port through <see cref="IConnectionListenerFactory"/>, so ports can be added and
/// removed while running; on stop, stops accepting at once and gives open connections <c>shutdown_timeout</c> to finish.
/// </summary>
internal sealed partial class ProxyListenerManager : IHostedService, IDisposable
{
    private readonly IConnectionListenerFactory _factory;
    private readonly RoutingState _routing;
    private readonly ConnectionTracker _tracker;
    private readonly ILogger<ProxyListenerManager> _logger;
    private readonly ConnectionDelegate _application;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, PortListener> _listeners = [];
    private IPAddress _bindAddress = IPAddress.Any;

    public ProxyListenerManager(
        IConnectionListenerFactory factory, IServiceProvider services, RoutingState routing, ConnectionTracker tracker, ILogger<ProxyListenerManager> logger)
    {
        _factory = factory;
        _routing = routing;
        _tracker = tracker;
        _logger = logger;
        _application = new ConnectionBuilder(services).UseConnectionHandler<ProxyConnectionHandler>().Build();
    }

    /// <summary>The ports currently bound, with the actual port when 0 was asked for.</summary>
    public IReadOnlyList<EndPoint> EndPoints
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners.Values.Select(l => l.EndPoint)];
            }
        }
    }

    public bool AllBound { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var errors = await ApplyAsync(_routing.Current.Config, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            // At start a port that cannot be bound is fatal: running with part of the configuration would hide it.
            throw new InvalidOperationException(string.Join("; ", errors));
        }
    }

    /// <summary>Binds new ports and unbinds removed ones; returns a message per port that could not be bound.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(TcpffeeConfig config, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var errors = new List<string>();
            var wanted = config.Ports.ToHashSet();
            var rebindAll = !config.BindAddress.Equals(_bindAddress);
            foreach (var (port, listener) in _listeners.ToList())
            {
                if (rebindAll || !wanted.Contains(port))
                {
                    await RemoveAsync(port, listener).ConfigureAwait(false);
                }
            }

            _bindAddress = config.BindAddress;
            foreach (var port in config.Ports)
            {
                if (_listeners.ContainsKey(port))
                {
                    continue;
                }

                try
                {
                    var endPoint = new IPEndPoint(config.BindAddress, port);
                    var listener = await PortListener.BindAsync(_factory, endPoint, _application, _tracker, _logger, cancellation).ConfigureAwait(false);
                    lock (_listeners)
                    {
                        _listeners[port] = listener;
                    }

                    LogListening(listener.EndPoint);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogBindFailed(config.BindAddress, port, ex.Message);
                    errors.Add($"cannot listen on {config.BindAddress}:{port}: {ex.Message}");
                }
            }

            AllBound = errors.Count == 0;
            return errors;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var listeners = _listeners.ToList();
            await Task.WhenAll(listeners.Select(l => l.Value.UnbindAsync())).ConfigureAwait(false);
            var grace = _routing.Current.Config.ShutdownTimeout;
            LogDraining(_tracker.Count, grace.TotalSeconds);
            using (var timeout = new CancellationTokenSource(grace, _tracker.Time))
            {
                try
                {
                    await _tracker.WaitForDrainAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    LogGraceExpired(_tracker.AbortAll("shutdown_timeout expired"));
                }
            }

            await Task.WhenAll(listeners.Select(l => l.Value.DisposeWhenIdleAsync())).ConfigureAwait(false);
            lock (_listeners)
            {
                _listeners.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task RemoveAsync(int port, PortListener listener)
    {
        lock (_listeners)
        {
            _listeners.Remove(port);
        }

        await listener.UnbindAsync().ConfigureAwait(false);
        LogUnbound(listener.EndPoint);

        // Its open connections keep running; the listener is freed when the last one ends.
        _ = listener.DisposeWhenIdleAsync();
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Listening on {EndPoint}")]
    private partial void LogListening(EndPoint endPoint);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Stopped listening on {EndPoint}; its open connections continue")]
    private partial void LogUnbound(EndPoint endPoint);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Cannot listen on {Address}:{Port}: {Reason}")]
    private partial void LogBindFailed(IPAddress address, int port, string reason);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Stopped accepting; waiting up to {Seconds} s for {Count} open connections")]
    private partial void LogDraining(int count, double seconds);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "shutdown_timeout expired: closed {Count} connections")]
    private partial void LogGraceExpired(int count);
}
