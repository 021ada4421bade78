namespace Tcpffee.Health;

/// <summary>The outcome of one probe: passed or not, why not in the probe's own words, and when.</summary>
internal sealed record ProbeResult(bool Passed, string Message, DateTimeOffset At);
