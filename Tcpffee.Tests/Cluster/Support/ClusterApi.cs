namespace Tcpffee.Tests.Cluster.Support;

// The parts of the API's answers the cluster tests look at, read with the web defaults (camelCase).

/// <summary><c>GET /api/v1/cluster</c>.</summary>
internal sealed record ClusterStatus(string Mode, int? NodeIndex, bool Fallback, IReadOnlyList<ClusterPeerStatus> Peers, IReadOnlyList<RaftGroupStatus> RaftGroups)
{
    public RaftGroupStatus Group(string name) =>
        RaftGroups.SingleOrDefault(g => g.Name == name) ?? throw new InvalidOperationException($"no Raft group '{name}' in {this}");

    public RaftGroupStatus StickTable => Group(RaftGroupStatus.StickTableName);

    public RaftGroupStatus Healthchecks => Group(RaftGroupStatus.HealthchecksName);

    public override string ToString() =>
        $"node {NodeIndex} ({Mode}), fallback {Fallback}; groups: {string.Join("; ", RaftGroups)}; peers: {string.Join("; ", Peers)}";
}

internal sealed record ClusterPeerStatus(int Index, string Host, string Address, string MacAddress, bool Self, bool Reachable, DateTimeOffset? LastContact);

internal sealed record RaftGroupStatus(string Name, string? Leader, bool IsLeader, long Term, long CommitIndex, long AppliedIndex, bool Fallback)
{
    public const string StickTableName = "stick_table";
    public const string HealthchecksName = "healthchecks";
}

/// <summary>One entry of <c>GET /api/v1/stick-table</c>.</summary>
internal sealed record StickEntryStatus(string Key, int Group, int OpenConnections, DateTimeOffset? LastActivity, DateTimeOffset? ExpiresAt);

internal sealed record StickTablePage(int Total, int Offset, int Limit, IReadOnlyList<StickEntryStatus> Entries);

/// <summary><c>GET /api/v1/groups/{id}</c>.</summary>
internal sealed record GroupStatusView(
    int Id, string HealthState, string EffectiveState, string? RuntimeOverride, string HealthDecidedBy, IReadOnlyList<HealthCheckView> HealthChecks)
{
    public override string ToString() =>
        $"group {Id}: effective {EffectiveState}, override {RuntimeOverride ?? "none"}, health {HealthState}, decided by {HealthDecidedBy}; checks: {string.Join("; ", HealthChecks)}";
}

internal sealed record HealthCheckView(int Index, bool Up, IReadOnlyList<string> Targets, int ConsecutiveFails, bool? ClusterVerdict, IReadOnlyList<bool?>? Votes)
{
    public override string ToString() =>
        $"check {Index} on {string.Join(",", Targets)}: own {(Up ? "up" : "down")} ({ConsecutiveFails} fails), verdict {ClusterVerdict?.ToString() ?? "none"}, votes [{string.Join(",", Votes?.Select(v => v?.ToString() ?? "-") ?? [])}]";
}
