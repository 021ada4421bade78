namespace Tcpffee.Health;

/// <summary>One check's state as saved in <c>TCPFFEE_HEALTHCHECK_SAVE_PATH</c>.</summary>
internal sealed record HealthStateRecord(
    int Group,
    string Check,
    bool Up,
    int Passes,
    int Fails,
    bool? LastPassed,
    string? LastMessage,
    DateTimeOffset? LastAt,
    DateTimeOffset? LastChange);
