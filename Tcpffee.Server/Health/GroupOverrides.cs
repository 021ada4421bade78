using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// The operators' runtime states for groups (drain, disable, enable through the API): routing honours them at once,
/// they are saved with the health state so they outlive restarts and reloads, and in a cluster they are committed
/// first so every proxy applies them.
/// </summary>
internal sealed partial class GroupOverrides : IDisposable
{
    private readonly RoutingState _routing;
    private readonly HealthStateStore _store;
    private readonly IOverrideReplication? _replication;
    private readonly ILogger<GroupOverrides> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, GroupStatus> _overrides = [];
    private bool _started;

    public GroupOverrides(RoutingState routing, HealthStateStore store, ILogger<GroupOverrides> logger, IOverrideReplication? replication = null)
    {
        _routing = routing;
        _store = store;
        _logger = logger;
        _replication = replication;
    }

    /// <summary>The overrides in force, by group; a group without one is absent.</summary>
    public IReadOnlyDictionary<int, GroupStatus> Current
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<int, GroupStatus>(_overrides);
            }
        }
    }

    /// <summary>Applies the saved overrides, then, in a cluster, the committed ones, and follows those from then on.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            foreach (var (groupId, status) in _store.Load().Overrides)
            {
                _overrides[groupId] = status;
                _routing.Groups.Get(groupId).SetAdmin(status);
            }
        }

        if (_replication is not null)
        {
            _replication.Changed += ApplyCommitted;
            ApplyCommitted();
        }
    }

    /// <summary>
    /// Sets an operator's runtime state for a group; in a cluster, commits it first so every proxy applies it, and
    /// changes nothing when the cluster's majority is out of reach. A single proxy applies it even when the health state
    /// file cannot be written, and says so: routing honours it, but a restart would lose it.
    /// </summary>
    public async Task<OverrideResult> SetAsync(int groupId, GroupStatus status, CancellationToken cancellation)
    {
        if (_replication is not null && !await _replication.CommitAsync(groupId, status, cancellation).ConfigureAwait(false))
        {
            return new OverrideResult(OverrideStatus.NoMajority);
        }

        // Committed: apply it here now rather than when this proxy's replica catches up, so the answer shows it.
        string? saveError;
        lock (_lock)
        {
            saveError = SetLocked(groupId, status);
        }

        // In a cluster the committed log is what outlives a restart, not the file.
        return saveError is null || _replication is not null
            ? new OverrideResult(OverrideStatus.Applied)
            : new OverrideResult(OverrideStatus.NotSaved, saveError);
    }

    /// <summary>
    /// Sets an operator's runtime state for a group (Draining or Disabled), or clears it with <see cref="GroupStatus.Up"/>.
    /// Routing honours it at once, and it is saved at once.
    /// </summary>
    public void Set(int groupId, GroupStatus status)
    {
        lock (_lock)
        {
            SetLocked(groupId, status);
        }
    }

    public void Dispose()
    {
        if (_replication is not null)
        {
            _replication.Changed -= ApplyCommitted;
        }
    }

    /// <summary>Brings this proxy's overrides to the committed ones, which every proxy shares.</summary>
    private void ApplyCommitted()
    {
        var committed = _replication!.Committed();
        lock (_lock)
        {
            foreach (var groupId in _overrides.Keys.Concat(committed.Keys).Distinct().ToList())
            {
                var status = committed.GetValueOrDefault(groupId, GroupStatus.Up);
                if (_overrides.GetValueOrDefault(groupId, GroupStatus.Up) != status)
                {
                    SetLocked(groupId, status);
                }
            }
        }
    }

    /// <summary>Applies and saves the override; returns why it could not be saved, or null.</summary>
    private string? SetLocked(int groupId, GroupStatus status)
    {
        if (status == GroupStatus.Up)
        {
            _overrides.Remove(groupId);
        }
        else
        {
            _overrides[groupId] = status;
        }

        _routing.Groups.Get(groupId).SetAdmin(status);
        LogOverride(groupId, status);
        return _store.SaveOverrides(new Dictionary<int, GroupStatus>(_overrides));
    }

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information, Message = "Group {Group}: runtime override set to {Status} by an operator")]
    private partial void LogOverride(int group, GroupStatus status);
}
