using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Tcpffee.Descriptors;
using Tcpffee.Diagnostics;
using Tcpffee.Model;

namespace Tcpffee.Listeners;

/// <summary>
/// Every accepted client connection: enforces <c>max_connections</c>, and from one timer (as Kestrel's heartbeat)
/// closes connections idle longer than <c>idle_timeout</c>. There is no timer per connection.
/// </summary>
internal sealed partial class ConnectionTracker : IDisposable
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<TrackedConnection, byte> _connections = new();
    private readonly RoutingState _routing;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ConnectionTracker> _logger;
    private readonly ITimer _heartbeat;
    private readonly int _descriptorCapacity;
    private int _count;
    private long _rejected;
    private long _rejectedReported;
    private TimeSpan _period;
    private TaskCompletionSource? _drained;

    public ConnectionTracker(
        RoutingState routing, ProxyMetrics metrics, DescriptorCapacity capacity, TimeProvider time, ILogger<ConnectionTracker> logger)
    {
        _descriptorCapacity = capacity.Connections ?? int.MaxValue;
        _metrics = metrics;
        _routing = routing;
        _time = time;
        _logger = logger;
        _period = PeriodFor(routing.Current.Config.IdleTimeout);
        _heartbeat = time.CreateTimer(static s => ((ConnectionTracker)s!).OnHeartbeat(), this, _period, _period);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Connections closed at once because <c>max_connections</c> were open.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public TimeProvider Time => _time;

    /// <summary>True while the open connections fill what the descriptor limit leaves: the proxied ports wait before accepting more.</summary>
    public bool AtDescriptorCapacity => Count >= _descriptorCapacity;

    /// <summary>Starts tracking; returns null when <c>max_connections</c> are already open.</summary>
    public TrackedConnection? TryAdd(ConnectionContext context, PortListener listener)
    {
        if (Interlocked.Increment(ref _count) > _routing.Current.Config.MaxConnections)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _rejected);
            _metrics.Rejected(listener.Port, "max_connections");
            return null;
        }

        _metrics.Accepted(listener.Port);

        var tracked = new TrackedConnection(context, listener, _time.GetTimestamp());
        _connections.TryAdd(tracked, 0);
        return tracked;
    }

    public void Remove(TrackedConnection tracked)
    {
        if (_connections.TryRemove(tracked, out _) && Interlocked.Decrement(ref _count) == 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Completes when no connection is open (or when <paramref name="cancellation"/> fires).</summary>
    public async Task WaitForDrainAsync(CancellationToken cancellation)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        if (Count == 0)
        {
            return;
        }

        await drained.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Closes every open connection; used when the shutdown grace period runs out.</summary>
    public int AbortAll(string reason)
    {
        var aborted = 0;
        foreach (var tracked in _connections.Keys)
        {
            tracked.Abort(reason);
            aborted++;
        }

        return aborted;
    }

    public void Dispose() => _heartbeat.Dispose();

    private void OnHeartbeat()
    {
        var idleTimeout = _routing.Current.Config.IdleTimeout;

        var period = PeriodFor(idleTimeout);
        if (period != _period)
        {
            _period = period;
            _heartbeat.Change(period, period);
        }

        var rejected = Rejected;
        if (rejected != _rejectedReported)
        {
            // One line per tick, not per connection: a flood of refused clients must not become a flood of log lines.
            LogOverLimit(rejected - _rejectedReported, _routing.Current.Config.MaxConnections);
            _rejectedReported = rejected;
        }

        if (idleTimeout <= TimeSpan.Zero || _connections.IsEmpty)
        {
            return;
        }

        foreach (var tracked in _connections.Keys)
        {
            if (_time.GetElapsedTime(tracked.LastActivity) >= idleTimeout)
            {
                LogIdleTimeout(tracked.Context.RemoteEndPoint, idleTimeout.TotalSeconds);
                tracked.Abort("idle timeout");
            }
        }
    }

    /// <summary>A quarter of a short idle timeout, so it is enforced within 25 %, but never more often than 20 times a second.</summary>
    private static TimeSpan PeriodFor(TimeSpan idleTimeout) =>
        idleTimeout > TimeSpan.Zero && idleTimeout < 4 * HeartbeatPeriod
            ? TimeSpan.FromTicks(Math.Max(idleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks))
            : HeartbeatPeriod;

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Closed {Count} new connections at once: max_connections ({Limit}) are open")]
    private partial void LogOverLimit(long count, int limit);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Closing {Client}: idle for {Seconds} s (idle_timeout)")]
    private partial void LogIdleTimeout(System.Net.EndPoint? client, double seconds);
}
