namespace Tcpffee.Api.Contracts;

/// <summary>One group: where it forwards, its states, its health checks and its traffic.</summary>
/// <param name="Drained">For a draining group, whether it has no live stick entries and no open connections left; null otherwise.</param>
/// <param name="Transparent">Whether backends are connected to from the client's own address.</param>
/// <param name="SendProxy">The PROXY protocol header sent to backends (<c>v1</c>, <c>v2</c>), or null.</param>
/// <param name="Passive">What live traffic says of the group (<c>passive_fall</c>): a failing group is Draining, a reason of its own beside the health checks.</param>
/// <param name="HealthDecidedBy">Whose observations the health state follows: <c>this proxy</c> (a single node, or a cluster member cut off from the majority) or <c>cluster majority</c>.</param>
public sealed record GroupResponse(
    int Id,
    IReadOnlyList<PortmapEntryResponse> Portmap,
    string ConfiguredState,
    string? RuntimeOverride,
    string HealthState,
    string EffectiveState,
    IReadOnlyList<HealthCheckResponse> HealthChecks,
    int StickEntries,
    long OpenConnections,
    long TotalConnections,
    long BytesUp,
    long BytesDown,
    bool? Drained,
    bool Transparent,
    string? SendProxy,
    string HealthDecidedBy,
    PassiveHealthResponse Passive);
