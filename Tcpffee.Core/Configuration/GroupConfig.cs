using System.Collections.Immutable;

namespace Tcpffee.Configuration;

/// <summary>One <c>[groups.ID]</c> table: a server group that clients stick to.</summary>
internal sealed record GroupConfig(
    int Id,
    PortMapConfig Portmap,
    bool Drain,
    bool Disabled,
    ImmutableArray<HealthCheckConfig> HealthChecks)
{
    public bool Equals(GroupConfig? other) =>
        other is not null && Id == other.Id && Portmap.Equals(other.Portmap) && Drain == other.Drain
        && Disabled == other.Disabled && HealthChecks.SequenceEqual(other.HealthChecks);

    public override int GetHashCode() => HashCode.Combine(Id, Portmap, Drain, Disabled);
}
