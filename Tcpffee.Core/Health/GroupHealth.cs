using Tcpffee.Configuration;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>What a group's health checks ask of routing: the most severe fall action among its checks that are down.</summary>
internal static class GroupHealth
{
    public static GroupStatus Of(IEnumerable<(FallAction Action, bool Up)> checks)
    {
        var status = GroupStatus.Up;
        foreach (var (action, up) in checks)
        {
            if (up)
            {
                continue;
            }

            var asked = action switch
            {
                FallAction.Disabled => GroupStatus.Disabled,
                FallAction.Draining => GroupStatus.Draining,

                // `Up` checks are run and reported, but never change routing.
                _ => GroupStatus.Up,
            };
            status = (GroupStatus)Math.Max((int)status, (int)asked);
        }

        return status;
    }
}
