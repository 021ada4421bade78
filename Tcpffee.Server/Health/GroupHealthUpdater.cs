using Tcpffee.Configuration;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// Tells each group what its checks ask of routing: the most severe fall action among its checks that are down
/// (<see cref="GroupHealth.Of"/>), each check up or down as the cluster decided it, or as this proxy saw it when alone.
/// </summary>
internal sealed partial class GroupHealthUpdater
{
    private readonly RoutingState _routing;
    private readonly IHealthElection? _election;
    private readonly ILogger<GroupHealthUpdater> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, GroupStatus> _groupStatus = [];

    public GroupHealthUpdater(RoutingState routing, ILogger<GroupHealthUpdater> logger, IHealthElection? election = null)
    {
        _routing = routing;
        _logger = logger;
        _election = election;
    }

    /// <summary>
    /// What routing follows for a check: the committed verdict in a cluster, this proxy's own observation when cut off
    /// from the majority, alone, or before any proxy reported the check.
    /// </summary>
    public static bool Decided(bool own, bool? verdict, bool isolated) => !isolated && verdict is { } committed ? committed : own;

    /// <summary>
    /// Sets the health of every group of <paramref name="config"/> from <paramref name="checks"/>, and of every group
    /// set before (a group that lost its checks is up again).
    /// </summary>
    public void Update(TcpffeeConfig config, IReadOnlyCollection<RunningCheck> checks)
    {
        lock (_lock)
        {
            var byGroup = checks.ToLookup(c => c.Identity.GroupId);
            foreach (var groupId in config.Groups.Select(g => g.Id).Concat(_groupStatus.Keys).Distinct().ToList())
            {
                var ofGroup = byGroup[groupId].ToList();
                var status = GroupHealth.Of(ofGroup.Select(c => (c.Config.FallAction, Decided(c))));
                var before = _groupStatus.GetValueOrDefault(groupId, GroupStatus.Up);
                _groupStatus[groupId] = status;
                _routing.Groups.Get(groupId).SetHealth(status);
                if (before != status)
                {
                    var reasons = string.Join("; ", ofGroup.Where(c => !c.Status.Up).Select(c => $"check {c.Identity.Index}: {c.Status.LastResult?.Message}"));
                    LogGroupChanged(groupId, before, status, reasons.Length > 0 ? reasons : "all checks up");
                }
            }
        }
    }

    private bool Decided(RunningCheck check) =>
        _election is { } election ? Decided(check.Status.Up, election.Verdict(check.Identity), election.IsIsolated) : check.Status.Up;

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Group {Group}: health {Before} -> {After} ({Reason})")]
    private partial void LogGroupChanged(int group, GroupStatus before, GroupStatus after, string reason);
}
