namespace Tcpffee.Api.Contracts;

/// <summary>One health check of a group and where it stands.</summary>
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
    DateTimeOffset? LastChange);
