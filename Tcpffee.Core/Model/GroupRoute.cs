using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Model;

/// <summary>A group as seen from one listening port: its config, its live state, and the backend that port forwards to.</summary>
internal sealed record GroupRoute(GroupConfig Config, GroupState State, IPEndPoint Backend)
{
    public int GroupId => Config.Id;
}
