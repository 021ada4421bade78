using System.Net;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Health;

/// <summary>One health check a configuration asks for: its identity, its settings, what it probes and the PROXY header it sends.</summary>
internal sealed record CheckPlan(HealthCheckIdentity Identity, HealthCheckConfig Check, IReadOnlyList<IPEndPoint> Endpoints, ProxyProtocolVersion? SendProxy)
{
    /// <summary>Every check of every group of <paramref name="config"/>, by identity.</summary>
    public static IReadOnlyDictionary<HealthCheckIdentity, CheckPlan> For(TcpffeeConfig config)
    {
        var plans = new Dictionary<HealthCheckIdentity, CheckPlan>();
        foreach (var group in config.Groups)
        {
            foreach (var check in group.HealthChecks)
            {
                var endpoints = HealthCheckTargets.For(config, group, check);
                var sendProxy = check.SendProxyChecks ? group.SendProxy : null;
                var identity = HealthCheckIdentity.For(group.Id, check, endpoints, sendProxy);
                plans[identity] = new CheckPlan(identity, check, endpoints, sendProxy);
            }
        }

        return plans;
    }
}
