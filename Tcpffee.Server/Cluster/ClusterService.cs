using Tcpffee.Hosting;

namespace Tcpffee.Cluster;

/// <summary>
/// Starts both Raft groups before the listeners open, runs the stick table's once-a-second work, and watches the
/// write-ahead logs and their disk: a faulted log cannot recover in place, and a full disk would kill the process in
/// the middle of a log write, so in both cases the process exits with code 3 for its supervisor.
/// </summary>
internal sealed partial class ClusterService(
    ClusterNode node, TimeProvider time, ProcessExitCode exitCode, IHostApplicationLifetime lifetime, ILogger<ClusterService> logger) : IHostedService, IDisposable
{
    /// <summary>The exit code after a write-ahead log fault.</summary>
    public const int WalFaultExitCode = 3;

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _work = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Side by side: each opens its log and starts a host of its own, and neither waits for the other.
        await Task.WhenAll(node.Groups.Select(g => g.StartAsync(cancellationToken))).ConfigureAwait(false);
        foreach (var group in node.Groups)
        {
            _work.Add(WatchAsync(group, _stopping.Token));
        }

        _work.Add(WatchDiskAsync(_stopping.Token));
        LogStarted(node.Topology.SelfIndex, node.Topology.Self.Host, node.Topology.Peers.Length);
        _work.Add(node.StickTable.RunAsync(time, _stopping.Token));
        _work.Add(node.Health.RunAsync(_stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var group in node.Groups)
        {
            await group.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task WatchAsync(RaftGroup group, CancellationToken cancellation)
    {
        var fault = await group.WaitForFaultAsync(cancellation).ConfigureAwait(false);
        LogWalFaulted(group.Name, fault.Message);
        exitCode.Request(WalFaultExitCode);
        lifetime.StopApplication();
    }

    private async Task WatchDiskAsync(CancellationToken cancellation)
    {
        var free = await node.DataDisk.WaitForShortageAsync(cancellation).ConfigureAwait(false);
        LogDataDiskFull(free / 1024, DataDiskWatchdog.ReserveBytes >> 20);
        exitCode.Request(WalFaultExitCode);
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 72, Level = LogLevel.Critical, Message = "The Raft data directory's disk has {FreeKiB} KiB free, less than the {ReserveMiB} MiB the write-ahead logs need; exiting with code 3 before a log write fails; free some space, and a restart brings the node back on its data")]
    private partial void LogDataDiskFull(long freeKiB, long reserveMiB);

    [LoggerMessage(EventId = 67, Level = LogLevel.Information, Message = "Cluster node {Index} ({Host}) of {Count} started")]
    private partial void LogStarted(int index, string host, int count);

    [LoggerMessage(EventId = 68, Level = LogLevel.Critical, Message = "Raft group {Group}: the write-ahead log has faulted ({Reason}); exiting with code 3 so that the supervisor restarts this node")]
    private partial void LogWalFaulted(string group, string reason);
}
