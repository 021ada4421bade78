using System.Collections.Concurrent;
using Tcpffee.StickTable;
using Tcpffee.Utilities;

namespace Tcpffee.Cluster;

/// <summary>
/// The stick table the router uses in cluster mode: it reads the committed entries from this node's
/// <see cref="StickReplica"/>, proposes changes through the Raft group, and keeps what only this proxy knows (its open
/// connections, and assignments proposed but not yet applied here). A returning client is routed without a network
/// round trip; only a new key waits for the leader to commit its assignment. Open connections are counted
/// per proxy and reported to the leader as activity once a second; the leader alone decides expiry, by its clock.
/// </summary>
/// <remarks>
/// Cut off from the majority, the table answers <see cref="StickAssignmentStatus.Isolated"/> and the router assigns
/// new keys by rendezvous hash. Those assignments are kept here and proposed when the majority is back; the first
/// committed assignment of a key wins.
/// </remarks>
internal sealed partial class ClusterStickTable : IStickLeases, IStickTableAdmin
{
    private readonly StickReplica _replica;
    private readonly RaftGroup _group;
    private readonly ClusterTimingOptions _timings;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Committed results this node's replica has not applied yet, with the index that makes them visible.</summary>
    private readonly ConcurrentDictionary<StickKey, (int GroupId, long Index)> _pending = new();
    private readonly ConcurrentDictionary<StickKey, ProvisionalAssignment> _provisional = new();
    /// <summary>Connections open here per key, those still connecting included (they hold the entry, but do not renew it).</summary>
    private readonly ConcurrentDictionary<StickKey, int> _open = new();

    /// <summary>Connections open here per key that reached their backend: the activity reported to the leader.</summary>
    private readonly ConcurrentDictionary<StickKey, int> _serving = new();
    private readonly ConcurrentDictionary<StickKey, byte> _active = new();
    private readonly Action<StickKey> _release;
    private readonly Action<StickKey> _abandon;
    private readonly Action<StickKey> _connected;
    private volatile bool _isolated;

    public ClusterStickTable(StickReplica replica, RaftGroup group, ClusterTimingOptions timings, ClusterMetrics metrics, ILogger<ClusterStickTable> logger)
    {
        _timings = timings;
        _replica = replica;
        _group = group;
        _metrics = metrics;
        _logger = logger;
        _release = Release;
        _abandon = Abandon;
        _connected = Connected;
    }

    /// <summary>Gets whether this node cannot reach the majority and assigns new keys on its own.</summary>
    public bool IsIsolated => _isolated;

    public int Count => _replica.State.Count + _provisional.Count;

    public TimeSpan Expiration => _replica.Expiration;

    public long Evictions => _replica.State.Evictions;

    public StickLease? TryOpen(StickKey key)
    {
        if (GroupOf(key) is not { } group)
        {
            return null;
        }

        return Opened(key, group);
    }

    public async ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null)
    {
        if (_isolated)
        {
            return new StickAssignment(groupId, StickAssignmentStatus.Isolated);
        }

        var result = await _group.ProposeAsync((int)StickCommandKind.Assign, StickCommand.Assign(key, groupId, replacing), _timings.AssignTimeout, CancellationToken.None)
            .ConfigureAwait(false);
        if (result.Status != ProposalStatus.Committed || result.Value < 0)
        {
            EnterIsolation();
            return new StickAssignment(groupId, StickAssignmentStatus.Isolated);
        }

        Committed(key, result);
        var status = result.Value != groupId ? StickAssignmentStatus.Existing
            : replacing is null ? StickAssignmentStatus.Assigned : StickAssignmentStatus.Reassigned;
        return new StickAssignment(result.Value, status, Opened(key, result.Value));
    }

    public StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null)
    {
        _provisional[key] = new ProvisionalAssignment(groupId, replacing);
        _metrics.FallbackDecision(_group.Name);
        return new StickAssignment(groupId, replacing is null ? StickAssignmentStatus.Assigned : StickAssignmentStatus.Reassigned, Opened(key, groupId));
    }

    /// <summary>A connection that reached its backend closes: activity to report.</summary>
    private void Release(StickKey key)
    {
        _active[key] = 0;
        _serving.Decrement(key);
        _open.Decrement(key);
    }

    /// <summary>A connection that never reached a backend closes: no activity, so the entry expires on its own time.</summary>
    private void Abandon(StickKey key) => _open.Decrement(key);

    private void Connected(StickKey key)
    {
        _serving.AddOrUpdate(key, 1, static (_, count) => count + 1);
        _active[key] = 0;
    }

    public int CountForGroup(int groupId) => _replica.State.CountForGroup(groupId);

    public StickEntrySnapshot? Find(StickKey key)
    {
        if (_provisional.TryGetValue(key, out var provisional))
        {
            return Describe(key, provisional.GroupId, _replica.NowMs + (long)_replica.Expiration.TotalMilliseconds);
        }

        if (_pending.TryGetValue(key, out var pending) && _group.AppliedIndex < pending.Index)
        {
            // Committed, not applied here yet: as fresh as an entry can be.
            return Describe(key, pending.GroupId, _replica.NowMs + (long)_replica.Expiration.TotalMilliseconds);
        }

        return _replica.State.Find(key) is { } entry
            ? Describe(key, entry.GroupId, entry.LastActiveMs + (long)_replica.Expiration.TotalMilliseconds)
            : null;
    }

    /// <remarks>
    /// Committed entries come from the replica's key index, in O(page + log n). While cut off from the majority, the
    /// provisional entries (few, and only then) are merged in by a sorted copy of the whole list.
    /// </remarks>
    public StickEntryPage Page(int? groupId, int offset, int limit)
    {
        var expiration = (long)_replica.Expiration.TotalMilliseconds;
        if (_provisional.IsEmpty)
        {
            var (total, entries) = _replica.State.Page(groupId, offset, limit);
            return new StickEntryPage(total, entries.ConvertAll(e => Describe(e.Key, e.GroupId, e.LastActiveMs + expiration)));
        }

        var now = _replica.NowMs;
        var merged = new List<StickEntrySnapshot>();
        foreach (var entry in _replica.State.Snapshot())
        {
            if ((groupId is null || entry.GroupId == groupId) && !_provisional.ContainsKey(entry.Key))
            {
                merged.Add(Describe(entry.Key, entry.GroupId, entry.LastActiveMs + expiration));
            }
        }

        foreach (var (key, provisional) in _provisional)
        {
            if (groupId is null || provisional.GroupId == groupId)
            {
                merged.Add(Describe(key, provisional.GroupId, now + expiration));
            }
        }

        merged.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return new StickEntryPage(merged.Count, merged.Skip(offset).Take(limit).ToList());
    }

    public async ValueTask<StickForgetResult> ForgetAsync(StickKey key)
    {
        if (GroupOf(key) is null)
        {
            return StickForgetResult.NotFound;
        }

        if (_open.ContainsKey(key))
        {
            return StickForgetResult.InUse;
        }

        _provisional.TryRemove(key, out _);
        _pending.TryRemove(key, out _);
        var result = await _group.ProposeAsync((int)StickCommandKind.Forget, StickCommand.Forget(key), _timings.AssignTimeout, CancellationToken.None)
            .ConfigureAwait(false);
        return result.Status == ProposalStatus.Committed ? StickForgetResult.Forgotten : StickForgetResult.Unavailable;
    }

    public void Configure(TimeSpan expiration, int maxEntries) => _replica.Configure(expiration, maxEntries);

    private StickEntrySnapshot Describe(StickKey key, int groupId, long expiresMs)
    {
        var open = _open.GetValueOrDefault(key);
        return new StickEntrySnapshot(key, groupId, open, open > 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(expiresMs));
    }

    private int? GroupOf(StickKey key)
    {
        // What this proxy decided without the majority is newer than the committed entry it may have moved the key from.
        if (_provisional.TryGetValue(key, out var provisional))
        {
            return provisional.GroupId;
        }

        if (_pending.TryGetValue(key, out var pending))
        {
            if (_group.AppliedIndex < pending.Index)
            {
                return pending.GroupId;
            }

            _pending.TryRemove(new KeyValuePair<StickKey, (int, long)>(key, pending));
        }

        return _replica.State.Lookup(key);
    }

    private void Committed(StickKey key, ProposalResult result)
    {
        _provisional.TryRemove(key, out _);
        if (_group.AppliedIndex < result.Index)
        {
            _pending[key] = (result.Value, result.Index);
        }
    }

    private StickLease Opened(StickKey key, int groupId)
    {
        _open.AddOrUpdate(key, 1, static (_, count) => count + 1);
        return new StickLease(key, groupId, _release, _abandon, _connected);
    }
}
