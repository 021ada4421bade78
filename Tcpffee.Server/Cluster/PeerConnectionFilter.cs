using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Tcpffee.Cluster;

/// <summary>
/// A Kestrel connection middleware for the Raft logs sockets: a connection from an address that is not a peer's is
/// closed before a byte of it is read, so nothing a stranger sends reaches the HTTP parser or dotNext.
/// </summary>
internal sealed class PeerConnectionFilter(ClusterTopology topology, Action<EndPoint?> refused)
{
    public ConnectionDelegate Apply(ConnectionDelegate next) => connection =>
    {
        if (connection.RemoteEndPoint is IPEndPoint remote && topology.IsPeer(remote.Address))
        {
            return next(connection);
        }

        refused(connection.RemoteEndPoint);
        connection.Abort();
        return Task.CompletedTask;
    };
}
