using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.ProxyProtocol;
using Tcpffee.Routing;
using Tcpffee.StickTable;

namespace Tcpffee.Proxy;

/// <summary>
/// The end of every listener's pipeline: builds the client's key, routes it to a group, connects to the group's
/// backend for this port, and copies bytes both ways until both sides are done.
/// </summary>
internal sealed partial class ProxyConnectionHandler : ConnectionHandler
{
    private readonly RoutingState _routing;
    private readonly StickyRouter _router;
    private readonly ProxyMetrics _metrics;
    private readonly ClientPreambleReader _preamble;
    private readonly ConcurrentDictionary<int, byte> _transparentFailureLogged = new();
    private readonly TimeProvider _time;
    private readonly PassiveHealth _passive;
    private readonly WarningAggregator _warnings;
    private readonly ILogger<ProxyConnectionHandler> _logger;

    private const string NoGroupReason = "no eligible group";

    public ProxyConnectionHandler(
        RoutingState routing,
        StickyRouter router,
        KeyBuilder keys,
        ClientConnectionCounts perClient,
        ProxyMetrics metrics,
        TimeProvider time,
        PassiveHealth passive,
        ILogger<ProxyConnectionHandler> logger)
    {
        _passive = passive;
        _warnings = new WarningAggregator(time);
        _metrics = metrics;
        _preamble = new ClientPreambleReader(keys, time, perClient);
        _routing = routing;
        _router = router;
        _time = time;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The snapshot is taken once: a reload during this connection does not change where it goes.
        var model = _routing.Current;
        var started = _time.GetTimestamp();
        var tracked = connection.Features.Get<TrackedConnection>();
        var port = tracked?.Listener.ConfiguredPort ?? ((IPEndPoint)connection.LocalEndPoint!).Port;
        var clientSocket = connection.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new InvalidOperationException("The proxy needs the socket transport (IConnectionSocketFeature).");

        var preamble = await _preamble.ReadAsync(connection, clientSocket, model.Config).ConfigureAwait(false);
        using var slot = preamble.Slot;
        using var first = preamble.First;
        if (preamble.Failure is { } refused)
        {
            Refuse(connection, port, refused);
            ReportClosed(preamble.Client, default, -1, null, 0, 0, started, refused);
            return;
        }

        var key = preamble.Key;
        var decision = await _router.RouteAsync(model, port, key).ConfigureAwait(false);
        var (backend, outcome) = await ConnectAsync(model, port, key, preamble.Client, decision).ConfigureAwait(false);
        decision = backend.Decision;
        if (backend.Socket is not { } socket)
        {
            Refuse(connection, port, outcome);
            ReportClosed(preamble.Client, key, decision.Route?.GroupId ?? -1, null, 0, 0, started, outcome);
            return;
        }

        var route = decision.Route!;
        route.State.ConnectionOpened();
        var session = new ProxySession(connection, clientSocket, socket, tracked, _time);
        try
        {
            if (route.Config.SendProxy is { } version)
            {
                // Ahead of the client's first byte, in its own send: the backend reads it before anything else.
                await socket.SendAsync(ProxyHeaderWriter.Write(version, preamble.Client, preamble.Destination), SocketFlags.None).ConfigureAwait(false);
            }

            var (up, down) = await session.RunAsync(first).ConfigureAwait(false);
            outcome = (up, down) switch
            {
                (CopyResult.SourceReset, _) or (_, CopyResult.DestinationFailed) => ConnectionOutcome.ClientReset,
                (_, CopyResult.SourceReset) or (CopyResult.DestinationFailed, _) => ConnectionOutcome.BackendReset,
                (CopyResult.Completed, CopyResult.Completed) => ConnectionOutcome.Closed,
                _ => ConnectionOutcome.Aborted,
            };
        }
        catch (SocketException)
        {
            // The backend went away before the PROXY header could be sent.
            session.Abort();
            outcome = ConnectionOutcome.BackendReset;
        }
        finally
        {
            route.State.ConnectionClosed(session.BytesUp, session.BytesDown);
            _metrics.Forwarded(route.GroupId, session.BytesUp, session.BytesDown);
            decision.Lease?.Dispose();
        }

        ReportClosed(preamble.Client, key, route.GroupId, route.Backend, session.BytesUp, session.BytesDown, started, outcome);
    }

    private void Refuse(ConnectionContext connection, int port, ConnectionOutcome outcome)
    {
        connection.Abort(new ConnectionAbortedException(outcome.ToString()));
        _metrics.Rejected(port, outcome switch
        {
            ConnectionOutcome.NoEligibleGroup => "no_group",
            ConnectionOutcome.ProxyHeaderInvalid => "proxy_header",
            ConnectionOutcome.ProxyHeaderUntrusted => "proxy_untrusted",
            ConnectionOutcome.TransparentFailed => "transparent_failed",
            ConnectionOutcome.ClientGone => "client_gone",
            ConnectionOutcome.ClientLimit => "client_limit",
            _ => "connect_failed",
        });
    }

    /// <summary>
    /// Connects to the routed backend. A new key whose backend cannot be reached tries the next eligible group, each
    /// at most once. So does a known key with <c>redispatch</c> (HAProxy's <c>option redispatch</c>): its client could
    /// not reach its servers anyway, and the key moves to the group that answers. Without it, a known key fails.
    /// </summary>
    private async Task<((Socket? Socket, RouteDecision Decision), ConnectionOutcome)> ConnectAsync(
        RoutingModel model, int port, StickKey key, IPEndPoint client, RouteDecision decision)
    {
        List<int>? tried = null;

        // Bounds the loop even if other proxies keep moving the key between groups that fail.
        var attemptsLeft = model.RoutesFor(port).Length;
        while (true)
        {
            if (decision.Route is not { } route)
            {
                if (_logger.IsEnabled(LogLevel.Warning) && _warnings.ShouldLog(port, NoGroupReason, out var leftOut))
                {
                    LogNoEligibleGroup(client, port, key, leftOut);
                }

                return ((null, decision), ConnectionOutcome.NoEligibleGroup);
            }

            try
            {
                var source = route.Config.Transparent ? client.Address : null;
                var socket = await BackendConnector.ConnectAsync(route.Backend, model.Config.ConnectTimeout, _time, source).ConfigureAwait(false);
                if (source is not null)
                {
                    // Working again: the next failure of this group is worth a line.
                    _transparentFailureLogged.TryRemove(route.GroupId, out _);
                }

                decision.Lease?.Connected();
                _passive.ConnectSucceeded(route.GroupId);
                return ((socket, decision), ConnectionOutcome.Closed);
            }
            catch (TransparentBindException ex)
            {
                // One line per group until it works again: every connection fails the same way until the host is fixed.
                if (_transparentFailureLogged.TryAdd(route.GroupId, 0))
                {
                    LogTransparentFailed(route.GroupId, ex.Message);
                }

                decision.Lease?.Dispose();
                return ((null, decision with { Route = null, Lease = null }), ConnectionOutcome.TransparentFailed);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                _metrics.ConnectFailed(route.GroupId);
                _passive.ConnectFailed(route.GroupId);
                if (_logger.IsEnabled(LogLevel.Warning) && _warnings.ShouldLog(route.GroupId, ex.Message, out var leftOut))
                {
                    LogConnectFailed(client, route.GroupId, route.Backend, ex.Message, leftOut);
                }
                if ((!decision.IsNewKey && !model.Config.Redispatch) || --attemptsLeft <= 0)
                {
                    decision.Lease?.Dispose();
                    return ((null, decision with { Route = null, Lease = null }), ConnectionOutcome.ConnectFailed);
                }

                tried ??= [];
                tried.Add(route.GroupId);
                decision = await _router.RerouteAsync(model, port, key, decision, tried).ConfigureAwait(false);
                if (decision.Route is null)
                {
                    return ((null, decision), ConnectionOutcome.ConnectFailed);
                }
            }
        }
    }

    private void ReportClosed(IPEndPoint client, StickKey key, int group, IPEndPoint? backend, long up, long down, long started, ConnectionOutcome outcome)
    {
        // The duration is computed only when the line is written: this runs for every connection.
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
            LogClosed(client, key, group, backend, up, down, milliseconds, outcome);
        }
    }
}
