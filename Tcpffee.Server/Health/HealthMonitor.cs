using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;
using Tcpffee.Diagnostics;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// Runs every configured health check on its own schedule (every <c>interval</c>, starting at once with a small jitter),
/// counts rise and fall, tells each group what its checks ask of routing, and has <see cref="HealthStateStore"/> save
/// every check's state. Checks can be added, removed or kept while running; kept checks keep their counters.
/// </summary>
internal sealed partial class HealthMonitor : IHostedService, IDisposable
{
    private readonly RoutingState _routing;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthMonitor> _logger;
    private readonly HealthStateStore _store;
    private readonly GroupOverrides _overrides;
    private readonly HttpMessageInvoker _http = HttpProbe.CreateClient();
    private readonly Lock _lock = new();
    private readonly IHealthElection? _election;
    private readonly Dictionary<HealthCheckIdentity, RunningCheck> _checks = [];
    private readonly Dictionary<int, GroupStatus> _groupStatus = [];
    private IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> _restored = new Dictionary<HealthCheckIdentity, HealthCheckStatus>();

    // What the store saves, published on every change of the set of checks: it is read without the lock.
    private volatile RunningCheck[] _published = [];

    public HealthMonitor(
        RoutingState routing, HealthStateStore store, GroupOverrides overrides, ProxyMetrics metrics, TimeProvider time, ILogger<HealthMonitor> logger,
        IHealthElection? election = null)
    {
        _store = store;
        _overrides = overrides;
        _election = election;
        _metrics = metrics;
        _routing = routing;
        _time = time;
        _logger = logger;
    }

    /// <summary>A copy of every running check, for the API and the proxy's own health.</summary>
    public IReadOnlyList<RunningCheck> Checks
    {
        get
        {
            lock (_lock)
            {
                return [.. _checks.Values];
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _restored = _store.Load().Checks;
        _overrides.Start();
        _store.Start(() => _published.ToDictionary(c => c.Identity, c => c.Status));
        if (_election is not null)
        {
            _election.Changed += OnElectionChanged;
        }

        // Before the listeners start: a group saved as down takes no new clients from the first connection on.
        Reconcile(_routing.Current.Config);

        // Saved states seed the checks of the first configuration only: a check that a later reload changes and changes
        // back is a new check, and must not come back with the state it had before this process started.
        _restored = new Dictionary<HealthCheckIdentity, HealthCheckStatus>();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<RunningCheck> checks;
        lock (_lock)
        {
            checks = [.. _checks.Values];
        }

        foreach (var check in checks)
        {
            check.Stop();
        }

        await Task.WhenAll(checks.Select(c => c.Loop)).WaitAsync(cancellationToken).ConfigureAwait(false);
        _store.Stop();
    }

    /// <summary>Starts new checks, stops removed ones and keeps unchanged ones (with their counters), then updates group states.</summary>
    public void Reconcile(TcpffeeConfig config)
    {
        lock (_lock)
        {
            var wanted = new Dictionary<HealthCheckIdentity, (GroupConfig Group, HealthCheckConfig Check, IReadOnlyList<System.Net.IPEndPoint> Endpoints)>();
            foreach (var group in config.Groups)
            {
                foreach (var check in group.HealthChecks)
                {
                    var endpoints = HealthCheckTargets.For(config, group, check);
                    var sendProxy = check.SendProxyChecks ? group.SendProxy : null;
                    wanted[HealthCheckIdentity.For(group.Id, check, endpoints, sendProxy)] = (group, check, endpoints);
                }
            }

            foreach (var (identity, running) in _checks.ToList())
            {
                if (!wanted.ContainsKey(identity))
                {
                    running.Stop();
                    _checks.Remove(identity);
                    _published = [.. _checks.Values];
                    LogCheckRemoved(identity);
                }
            }

            foreach (var (identity, (group, check, endpoints)) in wanted)
            {
                if (_checks.ContainsKey(identity))
                {
                    continue;
                }

                var status = _restored.GetValueOrDefault(identity) ?? HealthCheckStatus.Initial;
                var sendProxy = check.SendProxyChecks ? group.SendProxy : null;

                // Probes share one HTTP client, except those that start every connection with a PROXY header.
                var ownClient = check.Http is not null && sendProxy is not null ? HttpProbe.CreateClient(sendProxy) : null;
                var probe = check.Http is { } http
                    ? (IHealthCheck)new HttpProbe(endpoints, http, ownClient ?? _http)
                    : new TcpProbe(endpoints, sendProxy);
                var running = new RunningCheck(identity, check, endpoints, probe, status, ownClient);
                _checks[identity] = running;
                _election?.Observe(identity, status.Up);
                running.Loop = RunAsync(running);
            }

            _published = [.. _checks.Values];
            UpdateGroupsLocked(config);
            _store.MarkDirty();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        lock (_lock)
        {
            foreach (var check in _checks.Values)
            {
                check.Stop();
            }
        }
    }

    private async Task RunAsync(RunningCheck check)
    {
        var stopping = check.Stopping;
        try
        {
            // A small jitter (up to a tenth of the interval, at most 1 s) keeps checks from firing in lockstep.
            var maxJitterMs = (int)Math.Min(check.Config.Interval.TotalMilliseconds / 10, 1000);
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Max(2, maxJitterMs + 1)));
            await Task.Delay(jitter, _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(check.Config.Interval, _time);
            do
            {
                var result = await ProbeAsync(check, stopping).ConfigureAwait(false);
                Record(check, result);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Removed by a reload, or shutting down.
        }
        finally
        {
            check.Dispose();
        }
    }

    private async Task<ProbeResult> ProbeAsync(RunningCheck check, CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(check.Config.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        var registration = new HealthCheckRegistration(check.Identity.ToString(), check.Probe, HealthStatus.Unhealthy, null, check.Config.Timeout);
        HealthCheckResult result;
        try
        {
            result = await check.Probe.CheckHealthAsync(new HealthCheckContext { Registration = registration }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            result = HealthCheckResult.Unhealthy("timeout");
        }

        var passed = result.Status == HealthStatus.Healthy;
        var message = result.Description ?? (passed ? "passed" : "failed");
        if (!passed && timeout.IsCancellationRequested)
        {
            message = $"timeout after {check.Config.Timeout.TotalMilliseconds:0} ms ({message})";
        }

        stopping.ThrowIfCancellationRequested();
        var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
        LogProbe(check.Identity, passed, message, milliseconds);
        return new ProbeResult(passed, message, _time.GetUtcNow());
    }

    private void Record(RunningCheck check, ProbeResult result)
    {
        lock (_lock)
        {
            if (!_checks.TryGetValue(check.Identity, out var current) || !ReferenceEquals(current, check))
            {
                return;
            }

            _metrics.Probed(check.Identity.GroupId, check.Identity.Index, result.Passed);
            var before = check.Status;
            var after = before.Record(result, check.Config.Rise, check.Config.Fall);
            check.SetStatus(after);
            _store.MarkDirty();
            if (before.Up != after.Up)
            {
                _election?.Observe(check.Identity, after.Up);
                LogCheckChanged(check.Identity, check.Kind, before.Up, after.Up, result.Message);
                UpdateGroupsLocked(_routing.Current.Config);

                // A change of up or down is written at once; counters alone are written within a second.
                _store.Save();
            }
        }
    }

    private void UpdateGroupsLocked(TcpffeeConfig config)
    {
        var byGroup = _checks.Values.ToLookup(c => c.Identity.GroupId);
        foreach (var groupId in config.Groups.Select(g => g.Id).Concat(_groupStatus.Keys).Distinct().ToList())
        {
            var checks = byGroup[groupId].ToList();
            var status = GroupHealth.Of(checks.Select(c => (c.Config.FallAction, Decided(c))));
            var before = _groupStatus.GetValueOrDefault(groupId, GroupStatus.Up);
            _groupStatus[groupId] = status;
            _routing.Groups.Get(groupId).SetHealth(status);
            if (before != status)
            {
                var reasons = string.Join("; ", checks.Where(c => !c.Status.Up).Select(c => $"check {c.Identity.Index}: {c.Status.LastResult?.Message}"));
                LogGroupChanged(groupId, before, status, reasons.Length > 0 ? reasons : "all checks up");
            }
        }
    }

    /// <summary>What routing follows for a check: the committed verdict in a cluster, this proxy's own when cut off or alone.</summary>
    private bool Decided(RunningCheck check) =>
        _election is { IsIsolated: false } election && election.Verdict(check.Identity) is { } verdict ? verdict : check.Status.Up;

    private void OnElectionChanged()
    {
        lock (_lock)
        {
            UpdateGroupsLocked(_routing.Current.Config);
        }
    }
}
