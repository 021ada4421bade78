namespace Tcpffee.Api.Contracts;

/// <summary>The proxy at a glance: what runs, since when, on which config, and its traffic totals.</summary>
public sealed record SummaryResponse(
    string Version,
    string Node,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    string ConfigPath,
    ReloadResponse? LastReload,
    IReadOnlyList<int> Ports,
    TotalsResponse Totals,
    int StickTableEntries,
    string ClusterRole);
