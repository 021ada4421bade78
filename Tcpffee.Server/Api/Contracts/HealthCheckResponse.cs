namespace Tcpffee.Api.Contracts;

/// <summary>One health check of a group and where it stands.</summary>
/// <param name="Up">This proxy's own observation.</param>
/// <param name="ClusterVerdict">In a cluster, the committed verdict (the majority of the proxies' observations); null on a single node or before any proxy reported.</param>
/// <param name="Votes">In a cluster, every proxy's latest committed observation, by peer index (null: none yet); null on a single node.</param>
public sealed record HealthCheckResponse(
    string Id,
    int Index,
    string Kind,
    IReadOnlyList<string> Targets,
    string FallAction,
    bool Up,
    int ConsecutivePasses,
    int ConsecutiveFails,
    bool? LastPassed,
    string? LastMessage,
    DateTimeOffset? LastResultAt,
    DateTimeOffset? LastChange,
    bool? ClusterVerdict,
    IReadOnlyList<bool?>? Votes);
