using System.Collections.Frozen;
using System.Collections.Immutable;
using Tcpffee.Configuration;

namespace Tcpffee.Model;

/// <summary>
/// The immutable routing snapshot built from one configuration: for every port, the groups that serve it.
/// A reload builds a new one and swaps it whole; connections in flight keep the one they started with.
/// </summary>
internal sealed class RoutingModel
{
    private readonly FrozenDictionary<int, ImmutableArray<GroupRoute>> _routesByPort;

    public RoutingModel(TcpffeeConfig config, GroupStateRegistry states)
    {
        Config = config;
        var routes = new Dictionary<int, ImmutableArray<GroupRoute>>();
        foreach (var port in config.Ports)
        {
            routes[port] = [.. config.Groups
                .Where(g => g.Portmap.Covers(port))
                .Select(g => new GroupRoute(g, states.Get(g.Id), g.Portmap.Resolve(port)!))];
        }

        _routesByPort = routes.ToFrozenDictionary();
    }

    public TcpffeeConfig Config { get; }

    /// <summary>The groups whose portmap covers <paramref name="port"/>, ordered by id.</summary>
    public ImmutableArray<GroupRoute> RoutesFor(int port) => _routesByPort.GetValueOrDefault(port, []);

    /// <summary>The route of group <paramref name="groupId"/> on <paramref name="port"/>, or null if it is gone or does not serve that port.</summary>
    public GroupRoute? Find(int port, int groupId)
    {
        foreach (var route in RoutesFor(port))
        {
            if (route.GroupId == groupId)
            {
                return route;
            }
        }

        return null;
    }
}
