using System.Net;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Configuration;
using Tcpffee.Descriptors;
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
    private readonly DescriptorReserve _reserve;
    private readonly ILogger<ProxyListenerManager> _logger;
    private readonly ConnectionDelegate _application;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, PortListener> _listeners = [];
    private IPAddress _bindAddress = IPAddress.Any;

    public ProxyListenerManager(
        [FromKeyedServices(ProxySocketListenerFactory.Key)] IConnectionListenerFactory factory,
        IServiceProvider services,
        RoutingState routing,
        ConnectionTracker tracker,
        DescriptorReserve reserve,
        ILogger<ProxyListenerManager> logger)
    {
        _factory = factory;
        _routing = routing;
        _tracker = tracker;
        _reserve = reserve;
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
        var config = _routing.Current.Config;
        var (bound, errors) = await BindAsync(config.BindAddress, config.Ports, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            await DiscardAsync(bound).ConfigureAwait(false);

            // At start a port that cannot be bound is fatal: running with part of the configuration would hide it.
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        _bindAddress = config.BindAddress;
        Activate(bound);
        AllBound = true;
    }

    /// <summary>
    /// Moves the listeners to <paramref name="next"/>, all or nothing: added ports are bound first and, if any fails,
    /// nothing changes and the messages are returned. Otherwise <paramref name="swap"/> publishes the new routing,
    /// the new ports start accepting, and removed ports stop accepting while their open connections continue.
    /// </summary>
    public async Task<ListenerChange> ApplyAsync(TcpffeeConfig next, Action swap, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var rebindAll = !next.BindAddress.Equals(_bindAddress);
            var current = _listeners.Keys.ToHashSet();
            var added = rebindAll ? next.Ports.ToList() : next.Ports.Where(p => !current.Contains(p)).ToList();
            var removed = rebindAll ? current.ToList() : current.Where(p => !next.Ports.Contains(p)).ToList();

            // A new address may overlap the old one on the same ports (0.0.0.0 over 127.0.0.1): free them first.
            var released = rebindAll ? await ReleaseAsync(removed).ConfigureAwait(false) : [];
            var (bound, errors) = await BindAsync(next.BindAddress, added, cancellation).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                await DiscardAsync(bound).ConfigureAwait(false);
                if (released.Count > 0)
                {
                    // Best effort back to the old address, which was free a moment ago.
                    var (restored, _) = await BindAsync(_bindAddress, released.Select(l => l.ConfiguredPort).ToList(), CancellationToken.None).ConfigureAwait(false);
                    Activate(restored);
                    AllBound = restored.Count == released.Count;
                }

                return new ListenerChange([], [], errors);
            }

            swap();
            _bindAddress = next.BindAddress;
            Activate(bound);
            if (!rebindAll)
            {
                await ReleaseAsync(removed).ConfigureAwait(false);
            }

            AllBound = true;
            return new ListenerChange(added, removed, []);
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

    private async Task<(List<PortListener> Bound, List<string> Errors)> BindAsync(IPAddress address, IReadOnlyList<int> ports, CancellationToken cancellation)
    {
        var bound = new List<PortListener>();
        var errors = new List<string>();
        foreach (var port in ports)
        {
            try
            {
                bound.Add(await PortListener.BindAsync(_factory, new IPEndPoint(address, port), _application, _tracker, _reserve, _logger, cancellation).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogBindFailed(address, port, ex.Message);
                errors.Add($"cannot listen on {address}:{port}: {ex.Message}");
            }
        }

        return (bound, errors);
    }

    private void Activate(List<PortListener> listeners)
    {
        foreach (var listener in listeners)
        {
            lock (_listeners)
            {
                _listeners[listener.ConfiguredPort] = listener;
            }

            listener.Start();
            LogListening(listener.EndPoint);
        }
    }

    private static async Task DiscardAsync(List<PortListener> listeners)
    {
        foreach (var listener in listeners)
        {
            await listener.UnbindAsync().ConfigureAwait(false);
            await listener.DisposeWhenIdleAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting on <paramref name="ports"/>; their open connections continue and each listener is freed after its last one.</summary>
    private async Task<List<PortListener>> ReleaseAsync(IReadOnlyList<int> ports)
    {
        var released = new List<PortListener>();
        foreach (var port in ports)
        {
            PortListener? listener;
            lock (_listeners)
            {
                _listeners.Remove(port, out listener);
            }

            if (listener is null)
            {
                continue;
            }

            await listener.UnbindAsync().ConfigureAwait(false);
            LogUnbound(listener.EndPoint);
            _ = listener.DisposeWhenIdleAsync();
            released.Add(listener);
        }

        return released;
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
