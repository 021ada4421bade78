using Tcpffee.Configuration;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// Keeps one running check per health check of the configuration, each on its own schedule (<see cref="CheckScheduler"/>):
/// every result is probed by <see cref="ProbeRunner"/>, counted by <see cref="RiseFallCounter"/>, handed to the groups
/// by <see cref="GroupHealthUpdater"/> and saved by <see cref="HealthStateStore"/>. Checks can be added, removed or
/// kept while running; kept checks keep their counters.
/// </summary>
internal sealed partial class HealthMonitor : IHostedService, IDisposable
{
    private readonly RoutingState _routing;
    private readonly CheckScheduler _scheduler;
    private readonly ProbeRunner _probes;
    private readonly RiseFallCounter _counter;
    private readonly GroupHealthUpdater _groups;
    private readonly HealthStateStore _store;
    private readonly GroupOverrides _overrides;
    private readonly IHealthElection? _election;
    private readonly PassiveHealth? _passive;
    private readonly ILogger<HealthMonitor> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<HealthCheckIdentity, RunningCheck> _checks = [];
    private IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> _restored = new Dictionary<HealthCheckIdentity, HealthCheckStatus>();

    // What the store saves, published on every change of the set of checks: it is read without the lock.
    private volatile RunningCheck[] _published = [];

    public HealthMonitor(
        RoutingState routing,
        CheckScheduler scheduler,
        ProbeRunner probes,
        RiseFallCounter counter,
        GroupHealthUpdater groups,
        HealthStateStore store,
        GroupOverrides overrides,
        ILogger<HealthMonitor> logger,
        IHealthElection? election = null,
        PassiveHealth? passive = null)
    {
        _routing = routing;
        _scheduler = scheduler;
        _probes = probes;
        _counter = counter;
        _groups = groups;
        _store = store;
        _overrides = overrides;
        _logger = logger;
        _election = election;
        _passive = passive;
    }

    /// <summary>A copy of every running check, for the API and the proxy's own health.</summary>
    public IReadOnlyList<RunningCheck> Checks
    {
        get
        {
            // Taken under the lock, so a result being recorded (its group updated, the file saved) is seen complete.
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
            var wanted = CheckPlan.For(config);
            foreach (var (identity, running) in _checks.ToList())
            {
                if (!wanted.ContainsKey(identity))
                {
                    running.Stop();
                    _checks.Remove(identity);
                    LogCheckRemoved(identity);
                }
            }

            foreach (var (identity, plan) in wanted)
            {
                if (_checks.ContainsKey(identity))
                {
                    continue;
                }

                var status = _restored.GetValueOrDefault(identity) ?? HealthCheckStatus.Initial;
                var (probe, owned) = _probes.Create(plan.Check, plan.Endpoints, plan.SendProxy);
                var running = new RunningCheck(identity, plan.Check, plan.Endpoints, probe, status, owned);
                _checks[identity] = running;
                _election?.Observe(identity, status.Up);
                running.Loop = RunAsync(running);
            }

            _published = [.. _checks.Values];
            _groups.Update(config, _published);
            _store.MarkDirty();
        }
    }

    public void Dispose()
    {
        if (_election is not null)
        {
            _election.Changed -= OnElectionChanged;
        }

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
        try
        {
            await _scheduler.RunAsync(
                check.Config.Interval,
                async stopping => Record(check, await _probes.ProbeAsync(check, stopping).ConfigureAwait(false)),
                check.Stopping).ConfigureAwait(false);
        }
        finally
        {
            check.Dispose();
        }
    }

    private void Record(RunningCheck check, ProbeResult result)
    {
        lock (_lock)
        {
            if (!_checks.TryGetValue(check.Identity, out var current) || !ReferenceEquals(current, check))
            {
                return;
            }

            // Counters alone are written within a second.
            _store.MarkDirty();
            if (result.Passed)
            {
                _passive?.CheckPassed(check.Identity.GroupId);
            }

            if (!_counter.Count(check, result))
            {
                return;
            }

            _election?.Observe(check.Identity, check.Status.Up);
            _groups.Update(_routing.Current.Config, _published);

            // A change of up or down is written at once.
            _store.Save();
        }
    }

    private void OnElectionChanged()
    {
        lock (_lock)
        {
            _groups.Update(_routing.Current.Config, _published);
        }
    }
}
