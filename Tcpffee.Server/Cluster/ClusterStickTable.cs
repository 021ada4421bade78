using System.Collections.Concurrent;
using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>
/// The stick table in cluster mode. Reads come from this node's replica, so a returning client is routed without a
/// network round trip; only a new key waits for the leader to commit its assignment. Open connections are counted
/// per proxy and reported to the leader as activity once a second; the leader alone decides expiry, by its clock.
/// </summary>
/// <remarks>
/// Cut off from the majority, the table answers <see cref="StickAssignmentStatus.Isolated"/> and the router assigns
/// new keys by rendezvous hash. Those assignments are kept here and proposed when the majority is back; the first
/// committed assignment of a key wins.
/// </remarks>
internal sealed partial class ClusterStickTable : IStickTable
{
    /// <summary>How long a new client waits for its assignment to commit, across an election, before the fallback.</summary>
    public static readonly TimeSpan AssignTimeout = TimeSpan.FromSeconds(2);

    private readonly StickReplica _replica;
    private readonly RaftGroup _group;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Committed results this node's replica has not applied yet, with the index that makes them visible.</summary>
    private readonly ConcurrentDictionary<StickKey, (int GroupId, long Index)> _pending = new();
    private readonly ConcurrentDictionary<StickKey, int> _provisional = new();
    private readonly ConcurrentDictionary<StickKey, int> _open = new();
    private readonly ConcurrentDictionary<StickKey, byte> _active = new();
    private volatile bool _isolated;

    public ClusterStickTable(StickReplica replica, RaftGroup group, ClusterMetrics metrics, ILogger<ClusterStickTable> logger)
    {
        _replica = replica;
        _group = group;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Gets whether this node cannot reach the majority and assigns new keys on its own.</summary>
    public bool IsIsolated => _isolated;

    public int Count => _replica.State.Count + _provisional.Count;

    public TimeSpan Expiration => _replica.Expiration;

    public long Evictions => _replica.State.Evictions;

    public int? Lookup(StickKey key) => Find(key);

    public int? Touch(StickKey key)
    {
        if (Find(key) is not { } group)
        {
            return null;
        }

        Opened(key);
        return group;
    }

    public StickAssignment Assign(StickKey key, int groupId, int? replacing = null) => AssignIsolated(key, groupId, replacing);

    public async ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null)
    {
        if (_isolated)
        {
            return new StickAssignment(groupId, StickAssignmentStatus.Isolated);
        }

        var result = await _group.ProposeAsync((int)StickCommandKind.Assign, StickCommand.Assign(key, groupId, replacing), AssignTimeout, CancellationToken.None)
            .ConfigureAwait(false);
        if (result.Status != ProposalStatus.Committed || result.Value < 0)
        {
            EnterIsolation();
            return new StickAssignment(groupId, StickAssignmentStatus.Isolated);
        }

        Committed(key, result);
        Opened(key);
        var status = result.Value != groupId ? StickAssignmentStatus.Existing
            : replacing is null ? StickAssignmentStatus.Assigned : StickAssignmentStatus.Reassigned;
        return new StickAssignment(result.Value, status);
    }

    public StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null)
    {
        _provisional[key] = groupId;
        _metrics.FallbackDecision(_group.Name);
        Opened(key);
        return new StickAssignment(groupId, replacing is null ? StickAssignmentStatus.Assigned : StickAssignmentStatus.Reassigned);
    }

    public void Release(StickKey key)
    {
        _active[key] = 0;
        while (_open.TryGetValue(key, out var count))
        {
            if (count <= 1 ? _open.TryRemove(new KeyValuePair<StickKey, int>(key, count)) : _open.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    public int CountForGroup(int groupId) => _replica.State.CountForGroup(groupId);

    public IReadOnlyList<StickEntrySnapshot> Snapshot()
    {
        var expiration = (long)_replica.Expiration.TotalMilliseconds;
        var list = new List<StickEntrySnapshot>();
        foreach (var entry in _replica.State.Snapshot())
        {
            if (!_provisional.ContainsKey(entry.Key))
            {
                list.Add(Describe(entry.Key, entry.GroupId, entry.LastActiveMs + expiration));
            }
        }

        var now = _replica.NowMs;
        foreach (var (key, group) in _provisional)
        {
            list.Add(Describe(key, group, now + expiration));
        }

        return list;
    }

    public bool Remove(StickKey key) => Forget(key) == StickForgetResult.Forgotten;

    public StickForgetResult Forget(StickKey key) => ForgetAsync(key).AsTask().GetAwaiter().GetResult();

    public async ValueTask<StickForgetResult> ForgetAsync(StickKey key)
    {
        if (Find(key) is null)
        {
            return StickForgetResult.NotFound;
        }

        if (_open.ContainsKey(key))
        {
            return StickForgetResult.InUse;
        }

        _provisional.TryRemove(key, out _);
        _pending.TryRemove(key, out _);
        var result = await _group.ProposeAsync((int)StickCommandKind.Forget, StickCommand.Forget(key), AssignTimeout, CancellationToken.None)
            .ConfigureAwait(false);
        return result.Status == ProposalStatus.Committed ? StickForgetResult.Forgotten : StickForgetResult.Unavailable;
    }

    /// <summary>Entries of a removed group stay until they expire; the router moves their keys when they return.</summary>
    public int RemoveGroup(int groupId) => 0;

    /// <summary>Expiry is the leader's decision, taken by <see cref="ExpireAsync"/>.</summary>
    public int SweepExpired() => 0;

    public void Configure(TimeSpan expiration, int maxEntries) => _replica.Configure(expiration, maxEntries);

    private StickEntrySnapshot Describe(StickKey key, int groupId, long expiresMs)
    {
        var open = _open.GetValueOrDefault(key);
        return new StickEntrySnapshot(key, groupId, open, open > 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(expiresMs));
    }

    private int? Find(StickKey key)
    {
        if (_pending.TryGetValue(key, out var pending))
        {
            if (_group.AppliedIndex < pending.Index)
            {
                return pending.GroupId;
            }

            _pending.TryRemove(new KeyValuePair<StickKey, (int, long)>(key, pending));
        }

        return _replica.State.Lookup(key) ?? (_provisional.TryGetValue(key, out var provisional) ? provisional : null);
    }

    private void Committed(StickKey key, ProposalResult result)
    {
        _provisional.TryRemove(key, out _);
        if (_group.AppliedIndex < result.Index)
        {
            _pending[key] = (result.Value, result.Index);
        }
    }

    private void Opened(StickKey key)
    {
        _open.AddOrUpdate(key, 1, static (_, count) => count + 1);
        _active[key] = 0;
    }
}
