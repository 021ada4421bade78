using Tcpffee.Configuration;

namespace Tcpffee.Cluster;

/// <summary>This proxy's part in the cluster: who it is, and its two Raft groups with what they replicate.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    public ClusterNode(
        ClusterTopology topology, TcpffeeConfig config, TcpffeeEnvironment environment, ClusterTimingOptions timings, TimeProvider time,
        ClusterMetrics metrics, ILoggerFactory loggers)
    {
        Topology = topology;
        DataDisk = new DataDiskWatchdog(environment.DataDir, time);
        var sockets = config.RaftSockets;
        var stickReplica = new StickReplica(config.Expiration, config.StickTableMaxEntries, time);
        StickGroup = new RaftGroup(
            "stick_table", topology, sockets.StickTableLogs, stickReplica, environment.DataDir, timings, time, metrics, loggers);
        StickTable = new ClusterStickTable(stickReplica, StickGroup, timings, metrics, loggers.CreateLogger<ClusterStickTable>());
        var healthReplica = new HealthReplica(topology.Peers.Length);
        HealthGroup = new RaftGroup(
            "healthchecks", topology, sockets.HealthchecksLogs, healthReplica, environment.DataDir, timings, time, metrics, loggers);
        Health = new ClusterHealth(HealthGroup, healthReplica, topology.SelfIndex, timings, time, metrics, loggers.CreateLogger<ClusterHealth>());
    }

    public ClusterTopology Topology { get; }

    /// <summary>The disk under both groups' logs.</summary>
    public DataDiskWatchdog DataDisk { get; }

    public RaftGroup StickGroup { get; }

    public ClusterStickTable StickTable { get; }

    public RaftGroup HealthGroup { get; }

    public ClusterHealth Health { get; }

    public IEnumerable<RaftGroup> Groups => [StickGroup, HealthGroup];

    public async ValueTask DisposeAsync()
    {
        await StickGroup.DisposeAsync().ConfigureAwait(false);
        await HealthGroup.DisposeAsync().ConfigureAwait(false);
        Health.Dispose();
    }
}
