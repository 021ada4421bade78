using Tcpffee.Configuration;

namespace Tcpffee.Reload;

/// <summary>The settings a reload cannot change in a running process: the stats and Raft sockets, and the peers.</summary>
internal static class RestartOnlySettings
{
    public static IEnumerable<string> Changed(TcpffeeConfig running, TcpffeeConfig next)
    {
        if (!running.StatsBindSocket.Equals(next.StatsBindSocket))
        {
            yield return "stats_bind_socket";
        }

        if (running.RaftSockets != next.RaftSockets)
        {
            yield return "raft_*_bind_socket";
        }

        if (!running.Peers.SequenceEqual(next.Peers))
        {
            yield return "peers";
        }
    }

    /// <summary><paramref name="next"/> with the restart-only settings of <paramref name="running"/>, so the snapshot tells the truth.</summary>
    public static TcpffeeConfig KeepRunning(TcpffeeConfig running, TcpffeeConfig next) =>
        next with { StatsBindSocket = running.StatsBindSocket, RaftSockets = running.RaftSockets, Peers = running.Peers };
}
