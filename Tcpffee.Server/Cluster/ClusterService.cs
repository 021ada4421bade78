using Tcpffee.Hosting;

namespace Tcpffee.Cluster;

/// <summary>
/// Starts both Raft groups before the listeners open, runs the stick table's once-a-second work, and watches the
/// write-ahead logs: a faulted log cannot recover in place, so the process exits with code 3 for its supervisor.
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
        foreach (var group in node.Groups)
        {
            await group.StartAsync(cancellationToken).ConfigureAwait(false);
            _work.Add(WatchAsync(group, _stopping.Token));
        }

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

    [LoggerMessage(EventId = 67, Level = LogLevel.Information, Message = "Cluster node {Index} ({Host}) of {Count} started")]
    private partial void LogStarted(int index, string host, int count);

    [LoggerMessage(EventId = 68, Level = LogLevel.Critical, Message = "Raft group {Group}: the write-ahead log has faulted ({Reason}); exiting with code 3 so that the supervisor restarts this node")]
    private partial void LogWalFaulted(string group, string reason);
}
