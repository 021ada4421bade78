using System.Collections.Immutable;
using Tcpffee.Model;
using Tcpffee.StickTable;

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

    /// <summary>
    /// Rendezvous (highest random weight) choice among the groups that are up: a pure function of the key and the
    /// group ids, so proxies that cannot talk to each other still agree whenever they see the same groups as up.
    /// </summary>
    public static GroupRoute? Rendezvous(ImmutableArray<GroupRoute> routes, StickKey key, IReadOnlyCollection<int>? excluded)
    {
        GroupRoute? best = null;
        ulong bestWeight = 0;
        foreach (var route in routes)
        {
            if (route.State.Effective != GroupStatus.Up || (excluded is not null && excluded.Contains(route.GroupId)))
            {
                continue;
            }

            var weight = Weight(key.Bytes, route.GroupId);
            if (best is null || weight > bestWeight || (weight == bestWeight && route.GroupId < best.GroupId))
            {
                (best, bestWeight) = (route, weight);
            }
        }

        return best;
    }

    // FNV-1a, then a finalizer: the same on every machine and process, unlike HashCode, which is seeded per process.
    private static ulong Weight(ReadOnlySpan<byte> key, int groupId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in key)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        for (var shift = 0; shift < 32; shift += 8)
        {
            hash = (hash ^ (byte)(groupId >> shift)) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
