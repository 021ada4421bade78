using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>What the health state file held at start: every check's state and the operators' group overrides.</summary>
internal sealed record SavedHealthState(
    IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> Checks,
    IReadOnlyDictionary<int, GroupStatus> Overrides)
{
    public static readonly SavedHealthState Empty = new(new Dictionary<HealthCheckIdentity, HealthCheckStatus>(), new Dictionary<int, GroupStatus>());
}
