using Tcpffee.Api.Contracts;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Api;

/// <summary>Builds the API's view of a group from its configuration and its live state.</summary>
internal sealed class GroupViews
{
    private readonly RoutingState _routing;
    private readonly IStickTableAdmin _table;
    private readonly HealthMonitor _health;
    private readonly IHealthElection? _election;
    private readonly PassiveHealth _passive;

    public GroupViews(RoutingState routing, IStickTableAdmin table, HealthMonitor health, PassiveHealth passive, IHealthElection? election = null)
    {
        _passive = passive;
        _routing = routing;
        _table = table;
        _health = health;
        _election = election;
    }

    /// <summary>Whose observations the group's health state follows now.</summary>
    private string HealthDecidedBy => _election switch
    {
        null => "this proxy",
        { IsIsolated: true } => "this proxy (cluster majority out of reach)",
        _ => "cluster majority",
    };

    public IReadOnlyList<GroupResponse> All()
    {
        var config = _routing.Current.Config;
        var checks = _health.Checks.ToLookup(c => c.Identity.GroupId);
        return [.. config.Groups.Select(g => Describe(config, g, checks[g.Id]))];
    }

    public GroupResponse? Find(int id)
    {
        var config = _routing.Current.Config;
        return config.Groups.FirstOrDefault(g => g.Id == id) is { } group
            ? Describe(config, group, _health.Checks.Where(c => c.Identity.GroupId == id))
            : null;
    }

    private GroupResponse Describe(TcpffeeConfig config, GroupConfig group, IEnumerable<RunningCheck> checks)
    {
        var state = _routing.Groups.Get(group.Id);
        var entries = _table.CountForGroup(group.Id);
        var effective = state.Effective;
        var (failing, failures, retryAt) = _passive.Describe(group.Id);
        return new GroupResponse(
            group.Id,
            [.. config.Ports.Where(group.Portmap.Covers).Select(p => new PortmapEntryResponse(p, group.Portmap.Resolve(p)!.ToString()))],
            state.Configured.ToString(),
            state.Admin == GroupStatus.Up ? null : state.Admin.ToString(),
            state.Health.ToString(),
            effective.ToString(),
            [.. checks.OrderBy(c => c.Identity.Index).Select(Describe)],
            entries,
            state.OpenConnections,
            state.TotalConnections,
            state.BytesUp,
            state.BytesDown,
            effective == GroupStatus.Draining ? entries == 0 && state.OpenConnections == 0 : null,
            group.Transparent,
            group.SendProxy?.ToString().ToLowerInvariant(),
            HealthDecidedBy,
            new PassiveHealthResponse(group.PassiveFall, failing, failures, retryAt));
    }

    private HealthCheckResponse Describe(RunningCheck check)
    {
        var status = check.Status;
        return new HealthCheckResponse(
            check.Identity.ToString(),
            check.Identity.Index,
            check.Kind,
            [.. check.Endpoints.Select(e => e.ToString())],
            check.Config.FallAction.ToString(),
            status.Up,
            status.ConsecutivePasses,
            status.ConsecutiveFails,
            status.LastResult?.Passed,
            status.LastResult?.Message,
            status.LastResult?.At,
            status.LastChange,
            _election?.Verdict(check.Identity),
            _election?.Votes(check.Identity));
    }
}
