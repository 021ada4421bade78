using System.Collections.Concurrent;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// Passive health, as HAProxy's <c>observe layer4</c> or Envoy's outlier detection: live traffic is evidence too.
/// After <c>passive_fall</c> consecutive failed connects a group counts as failing, with the fall action Draining,
/// until a connect to it succeeds or one of its active checks passes. After a back-off (5 s, doubling up to 60 s)
/// it is offered again; the first failure then trips it at once. In a cluster this proxy's view is its vote on a
/// pseudo-check of the group (index -1), and routing follows the committed verdict, as for an active check.
/// </summary>
internal sealed partial class PassiveHealth : IDisposable
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly RoutingState _routing;
    private readonly TimeProvider _time;
    private readonly ILogger<PassiveHealth> _logger;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<int, PassiveGroupHealth> _groups = new();
    private readonly IHealthElection? _election;

    public PassiveHealth(RoutingState routing, TimeProvider time, ILogger<PassiveHealth> logger, IHealthElection? election = null)
    {
        _routing = routing;
        _time = time;
        _logger = logger;
        _election = election;
        if (election is not null)
        {
            election.Changed += OnElectionChanged;
        }
    }

    /// <summary>The pseudo-check under which a proxy votes on a group's passive health in a cluster.</summary>
    public static HealthCheckIdentity IdentityOf(int groupId) => new(groupId, -1, "passive");

    /// <summary>The group's passive state for the API: failing, consecutive failures, and when it is next offered.</summary>
    public (bool Failing, int Failures, DateTimeOffset? RetryAt) Describe(int groupId)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(groupId, out var group) ? (group.Failing, group.Failures, group.RetryAt) : (false, 0, null);
        }
    }

    /// <summary>A connect to the group's backend failed (refused, or no answer within <c>connect_timeout</c>).</summary>
    public void ConnectFailed(int groupId)
    {
        var fall = _routing.Current.Config.Groups.FirstOrDefault(g => g.Id == groupId)?.PassiveFall ?? 0;
        lock (_lock)
        {
            if (fall == 0)
            {
                Clear(groupId, "passive_fall is 0");
                return;
            }

            var group = Get(groupId);
            group.Failures++;
            if (group.OnTrial)
            {
                // The one try after the back-off failed too: wait twice as long before the next.
                Trip(groupId, group, TimeSpan.FromTicks(Math.Min(group.Backoff.Ticks * 2, MaxBackoff.Ticks)));
            }
            else if (!group.Failing && group.Failures >= fall)
            {
                Trip(groupId, group, FirstBackoff);
            }
        }
    }

    /// <summary>A connect to the group's backend succeeded.</summary>
    public void ConnectSucceeded(int groupId)
    {
        // The path of every connection: nothing to do, and no lock taken, while the group never failed.
        if (!_groups.TryGetValue(groupId, out var group) || Volatile.Read(ref group.Failures) == 0)
        {
            return;
        }

        lock (_lock)
        {
            Clear(groupId, "a connection succeeded");
        }
    }

    /// <summary>An active check of the group passed: that is evidence the backends answer again.</summary>
    public void CheckPassed(int groupId)
    {
        lock (_lock)
        {
            if (_groups.ContainsKey(groupId))
            {
                Clear(groupId, "an active check passed");
            }
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
            foreach (var group in _groups.Values)
            {
                group.Retry?.Dispose();
            }

            _groups.Clear();
        }
    }

    private PassiveGroupHealth Get(int groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new PassiveGroupHealth();
            _groups[groupId] = group;
        }

        return group;
    }

    private void Trip(int groupId, PassiveGroupHealth group, TimeSpan backoff)
    {
        var wasFailing = group.Failing;
        group.Failing = true;
        group.OnTrial = false;
        group.Backoff = backoff;
        group.RetryAt = _time.GetUtcNow() + backoff;
        group.Retry?.Dispose();
        group.Retry = _time.CreateTimer(_ => OfferAgain(groupId, group), null, backoff, Timeout.InfiniteTimeSpan);
        SetOwn(groupId, up: false);
        if (!wasFailing)
        {
            LogFailing(groupId, group.Failures, backoff.TotalSeconds);
        }
    }

    private void OfferAgain(int groupId, PassiveGroupHealth group)
    {
        lock (_lock)
        {
            if (!_groups.TryGetValue(groupId, out var current) || !ReferenceEquals(current, group) || !group.Failing)
            {
                return;
            }

            group.OnTrial = true;
            group.RetryAt = null;
            SetOwn(groupId, up: true);
            LogOnTrial(groupId, group.Backoff.TotalSeconds);
        }
    }

    private void Clear(int groupId, string reason)
    {
        if (!_groups.TryRemove(groupId, out var group))
        {
            return;
        }

        group.Retry?.Dispose();
        SetOwn(groupId, up: true);
        if (group.Failing || group.OnTrial)
        {
            LogRecovered(groupId, reason);
        }
    }

    /// <summary>Records this proxy's view of the group, as its vote in a cluster, and routes by what is decided.</summary>
    private void SetOwn(int groupId, bool up)
    {
        _election?.Observe(IdentityOf(groupId), up);
        Route(groupId);
    }

    private void Route(int groupId)
    {
        var own = !(_groups.TryGetValue(groupId, out var group) && group.Failing && !group.OnTrial);
        var up = _election is { } election ? GroupHealthUpdater.Decided(own, election.Verdict(IdentityOf(groupId)), election.IsIsolated) : own;
        _routing.Groups.Get(groupId).SetPassive(up ? GroupStatus.Up : GroupStatus.Draining);
    }

    private void OnElectionChanged()
    {
        lock (_lock)
        {
            foreach (var group in _routing.Current.Config.Groups)
            {
                Route(group.Id);
            }
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Group {Group}: {Failures} connects in a row failed; it counts as failing (Draining) and is tried again in {BackoffSeconds} s")]
    private partial void LogFailing(int group, int failures, double backoffSeconds);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Group {Group}: back-off of {BackoffSeconds} s over, offered to connections again; the next failure takes it out")]
    private partial void LogOnTrial(int group, double backoffSeconds);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Group {Group}: passive health up again ({Reason})")]
    private partial void LogRecovered(int group, string reason);
}
