namespace Tcpffee.Api.Contracts;

/// <summary>One group: where it forwards, its states, its health checks and its traffic.</summary>
/// <param name="Drained">For a draining group, whether it has no live stick entries and no open connections left; null otherwise.</param>
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
    bool? Drained);
