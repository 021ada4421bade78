using System.Diagnostics.Metrics;
using Tcpffee.Diagnostics;

namespace Tcpffee.Cluster;

/// <summary>The Raft figures (<c>tcpffee.raft.*</c>, exported as <c>tcpffee_raft_*</c>), by Raft group.</summary>
internal sealed class ClusterMetrics
{
    /// <summary>Commits take milliseconds; an election stretches one to about a second.</summary>
    private static readonly double[] CommitBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Counter<long> _leaderChanges;
    private readonly Histogram<double> _commitLatency;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _fallback;
    private readonly Counter<long> _refused;

    public ClusterMetrics(ProxyMetrics proxy)
    {
        var meter = proxy.Meter;
        _leaderChanges = meter.CreateCounter<long>("tcpffee.raft.leader_changes", "{change}", "Leader changes seen by this node, by Raft group");
        _commitLatency = meter.CreateHistogram<double>(
            "tcpffee.raft.commit_latency",
            "s",
            "Time from proposing a command on this node to its commit, by Raft group",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _forwarded = meter.CreateCounter<long>("tcpffee.raft.proposals_forwarded", "{proposal}", "Proposals this node sent on to the leader, by Raft group");
        _rejected = meter.CreateCounter<long>("tcpffee.raft.proposals_rejected", "{proposal}", "Proposals no leader committed in time, by Raft group");
        _fallback = meter.CreateCounter<long>("tcpffee.raft.fallback_decisions", "{decision}", "Decisions taken without the majority: new keys by rendezvous hash, health from own checks");
        _refused = meter.CreateCounter<long>("tcpffee.raft.refused_connections", "{connection}", "Connections to a Raft logs socket from an address that is not a peer's, closed unread, by Raft group");
    }

    public void LeaderChanged(string group) => _leaderChanges.Add(1, Tag(group));

    public void Committed(string group, TimeSpan latency) => _commitLatency.Record(latency.TotalSeconds, Tag(group));

    public void Forwarded(string group) => _forwarded.Add(1, Tag(group));

    public void Rejected(string group) => _rejected.Add(1, Tag(group));

    public void FallbackDecision(string group) => _fallback.Add(1, Tag(group));

    public void Refused(string group) => _refused.Add(1, Tag(group));

    private static KeyValuePair<string, object?> Tag(string group) => new("raft_group", group);
}
