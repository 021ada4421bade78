namespace Tcpffee.Health;

/// <summary>
/// Health decided by the proxies together: each proposes its own observations, and routing follows the committed
/// verdicts. Absent on a single node, where a proxy's own checks decide.
/// </summary>
internal interface IHealthElection
{
    /// <summary>Gets whether this proxy cannot reach the majority, and so routes by its own observations.</summary>
    bool IsIsolated { get; }

    /// <summary>Raised when a committed verdict changes, or this proxy's isolation does.</summary>
    event Action? Changed;

    /// <summary>Records this proxy's latest observation of a check; it is proposed until committed.</summary>
    void Observe(HealthCheckIdentity check, bool up);

    /// <summary>The committed verdict on a check, or null when no proxy has reported it.</summary>
    bool? Verdict(HealthCheckIdentity check);

    /// <summary>Every proxy's latest committed observation of a check, by peer index (null: none yet).</summary>
    IReadOnlyList<bool?> Votes(HealthCheckIdentity check);
}
