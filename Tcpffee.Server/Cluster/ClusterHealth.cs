using System.Collections.Concurrent;
using Tcpffee.Health;
using Tcpffee.Model;

namespace Tcpffee.Cluster;

/// <summary>
/// The health election over the health Raft group, and the commit of the operators' overrides through it. This proxy's
/// latest observation of every check is kept here and proposed until the replica shows it committed, so nothing is lost
/// to an election, a restart or a partition.
/// </summary>
/// <remarks>Checks are identified across proxies by <see cref="HealthCommand.CheckKey"/>.</remarks>
internal sealed partial class ClusterHealth : IHealthElection, IOverrideReplication, IDisposable
{
    private static readonly TimeSpan ProposeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OverrideTimeout = TimeSpan.FromSeconds(3);

    private readonly RaftGroup _group;
    private readonly HealthReplica _replica;
    private readonly int _self;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _observed = new();
    private readonly SemaphoreSlim _wake = new(0);

    private readonly TimeProvider _time;
    private readonly ClusterTimingOptions _timings;
    private volatile bool _isolated;
    private long _leaderSeenAt;

    public ClusterHealth(
        RaftGroup group, HealthReplica replica, int self, ClusterTimingOptions timings, TimeProvider time, ClusterMetrics metrics, ILogger<ClusterHealth> logger)
    {
        _timings = timings;
        _time = time;
        _leaderSeenAt = time.GetTimestamp();
        _group = group;
        _replica = replica;
        _self = self;
        _metrics = metrics;
        _logger = logger;
        _replica.Changed += () => Changed?.Invoke();
    }

    public event Action? Changed;

    public bool IsIsolated => _isolated;

    public void Dispose() => _wake.Dispose();

    public void Observe(HealthCheckIdentity check, bool up)
    {
        _observed[HealthCommand.CheckKey(check)] = up;
        if (_isolated)
        {
            _metrics.FallbackDecision(_group.Name);
        }

        _wake.Release();
    }

    public bool? Verdict(HealthCheckIdentity check) => _replica.Verdict(HealthCommand.CheckKey(check));

    public IReadOnlyList<bool?> Votes(HealthCheckIdentity check) => _replica.Votes(HealthCommand.CheckKey(check));

    public IReadOnlyDictionary<int, GroupStatus> Committed() => _replica.Overrides();

    public async Task<bool> CommitAsync(int groupId, GroupStatus status, CancellationToken cancellation)
    {
        var result = await _group.ProposeAsync((int)HealthCommandKind.Override, HealthCommand.Override(groupId, status), OverrideTimeout, cancellation)
            .ConfigureAwait(false);
        return result.Status == ProposalStatus.Committed;
    }

    /// <summary>Proposes every observation the replica does not show yet, at once when one changes and every second anyway.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            await _wake.WaitAsync(_timings.ReportInterval, cancellation).ConfigureAwait(false);
            while (_wake.CurrentCount > 0)
            {
                await _wake.WaitAsync(cancellation).ConfigureAwait(false);
            }

            var reached = true;
            foreach (var (check, up) in _observed)
            {
                if (_replica.Votes(check)[_self] == up)
                {
                    continue;
                }

                var result = await _group.ProposeAsync((int)HealthCommandKind.Observe, HealthCommand.Observe(_self, check, up), ProposeTimeout, cancellation)
                    .ConfigureAwait(false);
                if (result.Status != ProposalStatus.Committed)
                {
                    reached = false;
                    break;
                }
            }

            if (reached)
            {
                // Nothing was left to propose: a proxy cut off from the majority has no leader once its election timeout
                // passes. FallbackAfter without one is more than an election takes, and not at start, before the first.
                _leaderSeenAt = _group.Leader is not null ? _time.GetTimestamp() : _leaderSeenAt;
                reached = _time.GetElapsedTime(_leaderSeenAt) < _timings.FallbackAfter;
            }

            SetIsolated(!reached);
        }
    }

    private void SetIsolated(bool isolated)
    {
        if (_isolated == isolated)
        {
            return;
        }

        _isolated = isolated;
        if (isolated)
        {
            LogIsolated(_group.OutOfReachLevel);
        }
        else
        {
            LogRejoined();
        }

        Changed?.Invoke();
    }

    [LoggerMessage(EventId = 69, Message = "Health: the majority is out of reach; routing follows this proxy's own checks until it is back")]
    private partial void LogIsolated(LogLevel level);

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Health: the majority is back; routing follows the committed verdicts again")]
    private partial void LogRejoined();
}
