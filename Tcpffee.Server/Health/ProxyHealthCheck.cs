using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.Persistence;

namespace Tcpffee.Health;

/// <summary>
/// The proxy's own health, served at <c>/healthz</c>: healthy when every port is bound and the config is loaded,
/// degraded when some group is down or some state cannot be saved, unhealthy when no group can take new clients.
/// </summary>
internal sealed class ProxyHealthCheck : IHealthCheck
{
    private readonly RoutingState _routing;
    private readonly ProxyListenerManager _listeners;
    private readonly StateSaveFailures _saves;

    public ProxyHealthCheck(RoutingState routing, ProxyListenerManager listeners, StateSaveFailures saves)
    {
        _saves = saves;
        _routing = routing;
        _listeners = listeners;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var config = _routing.Current.Config;
        var states = config.Groups.Select(g => (g.Id, State: _routing.Groups.Get(g.Id))).ToList();
        var data = states.ToDictionary(s => $"group {s.Id}", s => (object)s.State.Effective.ToString());
        var unsaved = _saves.Problems;
        if (unsaved.Count > 0)
        {
            data["unsaved state"] = unsaved;
        }

        HealthCheckResult result;
        if (!_listeners.AllBound)
        {
            result = HealthCheckResult.Unhealthy("not every configured port is bound", data: data);
        }
        else if (!states.Any(s => s.State.Effective == GroupStatus.Up))
        {
            result = HealthCheckResult.Unhealthy("no group can take new clients", data: data);
        }
        else if (states.FirstOrDefault(s => s.State.Health != GroupStatus.Up) is { State: not null } down)
        {
            var count = states.Count(s => s.State.Health != GroupStatus.Up);
            result = HealthCheckResult.Degraded($"{count} group(s) failing health checks, group {down.Id} among them", data: data);
        }
        else if (unsaved.Count > 0)
        {
            // Serving is fine; what is lost is what a restart would restore, so the operator must hear of it.
            result = HealthCheckResult.Degraded(string.Join("; ", unsaved), data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"{config.Ports.Length} port(s) bound, {states.Count} group(s)", data);
        }

        return Task.FromResult(result);
    }
}
