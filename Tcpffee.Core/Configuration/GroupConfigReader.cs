using System.Collections.Immutable;
using System.Globalization;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>Reads the <c>[groups.ID]</c> tables.</summary>
internal static class GroupConfigReader
{
    public static ImmutableArray<GroupConfig> Read(TomlTableReader root, IReadOnlySet<int> ports)
    {
        if (root.Table("groups") is not { } groups)
        {
            return [];
        }

        var result = new List<GroupConfig>();
        foreach (var key in groups.Keys.ToList())
        {
            var table = groups.Table(key);
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || id.ToString(CultureInfo.InvariantCulture) != key)
            {
                // Leading zeros are refused: `00` and `0` would otherwise be two tables naming the same group.
                groups.ErrorAtKey(key, "a group id must be a non-negative integer written without leading zeros");
                continue;
            }

            if (table is not null && ReadGroup(table, id, ports) is { } group)
            {
                result.Add(group);
            }
        }

        return [.. result.OrderBy(g => g.Id)];
    }

    private static GroupConfig? ReadGroup(TomlTableReader group, int id, IReadOnlySet<int> ports)
    {
        var errorsBefore = group.ErrorCount;
        var portmap = PortMapConfigReader.Read(group, ports);
        var drain = group.Boolean("drain") ?? false;
        var disabled = group.Boolean("disabled") ?? false;

        var checks = ImmutableArray.CreateBuilder<HealthCheckConfig>();
        var tables = group.TableArray("healthchecks") ?? [];
        for (var i = 0; i < tables.Count; i++)
        {
            if (HealthCheckConfigReader.Read(tables[i], i) is { } check)
            {
                checks.Add(check);
            }
        }

        group.ReportUnknownKeys();
        return group.ErrorCount > errorsBefore || portmap is null
            ? null
            : new GroupConfig(id, portmap, drain, disabled, checks.ToImmutable());
    }
}
