using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Health;

/// <summary>The endpoints a check probes: every distinct backend of its group, or the backend hosts on the check's own port.</summary>
internal static class HealthCheckTargets
{
    public static IReadOnlyList<IPEndPoint> For(TcpffeeConfig config, GroupConfig group, HealthCheckConfig check)
    {
        var backends = config.Ports
            .Where(group.Portmap.Covers)
            .Select(p => group.Portmap.Resolve(p)!)
            .Distinct()
            .OrderBy(e => e.ToString(), StringComparer.Ordinal);

        var endpoints = check.Port is { } port
            ? backends.Select(e => e.Address).Distinct().Select(a => new IPEndPoint(a, port))
            : backends;
        return [.. endpoints];
    }
}
