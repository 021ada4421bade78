namespace Tcpffee.Health;

/// <summary>The state of one health check: up or down, with its consecutive counters and last result.</summary>
internal sealed record HealthCheckStatus(
    bool Up,
    int ConsecutivePasses,
    int ConsecutiveFails,
    ProbeResult? LastResult,
    DateTimeOffset? LastChange)
{
    /// <summary>A check that has not run yet counts as up, as HAProxy's servers start: no traffic is refused on no evidence.</summary>
    public static readonly HealthCheckStatus Initial = new(true, 0, 0, null, null);

    /// <summary>
    /// Counts <paramref name="result"/>: a check goes down after <paramref name="fall"/> consecutive failures and up
    /// after <paramref name="rise"/> consecutive passes. Pure, so it can be tested as a table.
    /// </summary>
    public HealthCheckStatus Record(ProbeResult result, int rise, int fall)
    {
        var passes = result.Passed ? ConsecutivePasses + 1 : 0;
        var fails = result.Passed ? 0 : ConsecutiveFails + 1;
        var up = Up switch
        {
            true when fails >= fall => false,
            false when passes >= rise => true,
            _ => Up,
        };

        return new HealthCheckStatus(up, passes, fails, result, up != Up ? result.At : LastChange);
    }
}
