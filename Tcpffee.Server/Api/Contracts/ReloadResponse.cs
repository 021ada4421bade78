namespace Tcpffee.Api.Contracts;

/// <summary>The outcome of a reload: when, whether it was applied, what changed or why nothing did.</summary>
public sealed record ReloadResponse(DateTimeOffset At, bool Applied, string Summary, IReadOnlyList<string> Errors);
