namespace Tcpffee.Health;

/// <summary>The outcome of setting an override, with why it could not be saved when it could not.</summary>
internal readonly record struct OverrideResult(OverrideStatus Status, string? SaveError = null);
