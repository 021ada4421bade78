using System.Net;
using Tcpffee.Configuration;
using Tcpffee.Model;

namespace Tcpffee.Tests.Routing;

/// <summary>Builds group routes and routing models for the routing unit tests.</summary>
internal static class RouteBuilder
{
    /// <summary>A route for group <paramref name="id"/> with the given status and open connection count.</summary>
    public static GroupRoute Route(int id, GroupStatus status = GroupStatus.Up, int openConnections = 0)
    {
        var state = new GroupState(id);
        state.SetAdmin(status);
        for (var i = 0; i < openConnections; i++)
        {
            state.ConnectionOpened();
        }

        var config = new GroupConfig(id, PortmapConfig.ForHost(IPAddress.Loopback), false, false, []);
        return new GroupRoute(config, state, new IPEndPoint(IPAddress.Loopback, 10_000 + id));
    }

    /// <summary>A configuration listening on <paramref name="ports"/> where group i serves the ports in <paramref name="portsByGroup"/>[i].</summary>
    public static TcpffeeConfig Config(int[] ports, params int[][] portsByGroup) => new()
    {
        Ports = [.. ports],
        Groups =
        [
            .. portsByGroup.Select((served, id) => new GroupConfig(
                id,
                PortmapConfig.ForTable(served.Select(p => KeyValuePair.Create(p, new IPEndPoint(IPAddress.Loopback, 10_000 + (100 * id) + p % 100)))),
                false,
                false,
                [])),
        ],
    };
}
