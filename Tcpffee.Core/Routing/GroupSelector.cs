using System.Collections.Immutable;
using Tcpffee.Model;

namespace Tcpffee.Routing;

/// <summary>
/// Chooses a group for a new key: among groups that are up on this port, the one with the fewest live stick entries,
/// ties broken by fewest open connections, then at random.
/// </summary>
internal static class GroupSelector
{
    public static GroupRoute? Choose(ImmutableArray<GroupRoute> routes, Func<int, int> entriesOf, IReadOnlyCollection<int>? excluded, Random random)
    {
        GroupRoute? best = null;
        int bestEntries = 0;
        long bestConnections = 0;
        var ties = 0;
        foreach (var route in routes)
        {
            if (route.State.Effective != GroupStatus.Up || (excluded is not null && excluded.Contains(route.GroupId)))
            {
                continue;
            }

            var entries = entriesOf(route.GroupId);
            var connections = route.State.OpenConnections;
            var order = best is null ? -1 : entries != bestEntries ? entries.CompareTo(bestEntries) : connections.CompareTo(bestConnections);
            if (order < 0)
            {
                (best, bestEntries, bestConnections, ties) = (route, entries, connections, 1);
            }
            else if (order == 0 && random.Next(++ties) == 0)
            {
                // Reservoir choice: each of the tied groups ends up chosen with equal probability.
                best = route;
            }
        }

        return best;
    }
}
