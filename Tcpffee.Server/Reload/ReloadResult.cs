namespace Tcpffee.Reload;

/// <summary>The outcome of one reload, kept for the API: when, whether it was applied, what changed or what was wrong.</summary>
internal sealed record ReloadResult(DateTimeOffset At, bool Applied, string Summary, IReadOnlyList<string> Errors);
