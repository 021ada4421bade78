using System.Collections.Immutable;
using System.Globalization;
using Tcpffee.Configuration.Toml;
using Tcpffee.ProxyProtocol;

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
        var portmap = PortmapConfigReader.Read(group, ports);
        var drain = group.Boolean("drain") ?? false;
        var disabled = group.Boolean("disabled") ?? false;
        var transparent = group.Boolean("transparent") ?? false;
        var sendProxy = ReadProxyVersion(group);
        var passiveFall = group.Integer("passive_fall", 0, 1_000_000) ?? GroupConfig.DefaultPassiveFall;

        var checks = ImmutableArray.CreateBuilder<HealthCheckConfig>();
        var tables = group.TableArray("healthchecks") ?? [];
        for (var i = 0; i < tables.Count; i++)
        {
            if (HealthCheckConfigReader.Read(tables[i], i) is { } check)
            {
                checks.Add(check);
            }
        }

        if (sendProxy is null && checks.Any(c => c.SendProxyChecks))
        {
            var index = checks.First(c => c.SendProxyChecks).Index;
            tables[index].ErrorAtValue("send_proxy_checks", "needs `send_proxy` on the group, which says which PROXY header to send");
        }

        group.ReportUnknownKeys();
        return group.ErrorCount > errorsBefore || portmap is null
            ? null
            : new GroupConfig(id, portmap, drain, disabled, checks.ToImmutable()) { Transparent = transparent, SendProxy = sendProxy, PassiveFall = passiveFall };
    }

    private static ProxyProtocolVersion? ReadProxyVersion(TomlTableReader group)
    {
        switch (group.String("send_proxy"))
        {
            case null:
                return null;
            case "v1":
                return ProxyProtocolVersion.V1;
            case "v2":
                return ProxyProtocolVersion.V2;
            case var other:
                group.ErrorAtValue("send_proxy", $"must be \"v1\" or \"v2\", got '{other}'");
                return null;
        }
    }
}
