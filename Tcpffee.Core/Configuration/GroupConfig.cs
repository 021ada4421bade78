using System.Collections.Immutable;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Configuration;

/// <summary>One <c>[groups.ID]</c> table: a server group that clients stick to.</summary>
internal sealed record GroupConfig(
    int Id,
    PortmapConfig Portmap,
    bool Drain,
    bool Disabled,
    ImmutableArray<HealthCheckConfig> HealthChecks)
{
    /// <summary>Connect to backends from the client's own address (IP_TRANSPARENT), so they see the real client.</summary>
    public bool Transparent { get; init; }

    /// <summary>Send a PROXY protocol header of this version ahead of the client's first byte; null sends none.</summary>
    public ProxyProtocolVersion? SendProxy { get; init; }

    public const int DefaultPassiveFall = 3;

    /// <summary>Consecutive failed connects of live traffic after which the group counts as failing (Draining); 0 turns it off.</summary>
    public int PassiveFall { get; init; } = DefaultPassiveFall;

    public bool Equals(GroupConfig? other) =>
        other is not null && Id == other.Id && Portmap.Equals(other.Portmap) && Drain == other.Drain
        && Disabled == other.Disabled && HealthChecks.SequenceEqual(other.HealthChecks)
        && Transparent == other.Transparent && SendProxy == other.SendProxy && PassiveFall == other.PassiveFall;

    public override int GetHashCode() => HashCode.Combine(Id, Portmap, Drain, Disabled);
}
