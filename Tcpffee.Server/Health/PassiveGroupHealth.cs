namespace Tcpffee.Health;

/// <summary>One group's passive health: consecutive connect failures of live traffic, and the back-off while it fails.</summary>
/// <remarks>Only the owning <see cref="PassiveHealth"/> changes it, under its lock; the counter is read without it on the success path.</remarks>
internal sealed class PassiveGroupHealth
{
    public int Failures;

    /// <summary>Whether the group counts as failing (Draining), between its trials.</summary>
    public bool Failing;

    /// <summary>Whether the back-off ended and the group is offered to connections again: the next failure trips it at once.</summary>
    public bool OnTrial;

    public TimeSpan Backoff;

    public DateTimeOffset? RetryAt;

    public ITimer? Retry;
}
