namespace Tcpffee.Cluster;

/// <summary>
/// The lifetime of a Raft group's host: it waits for nothing and stops when told. The default console lifetime would
/// also take SIGTERM and Ctrl+C, and stop the group before tcpffee's own host has drained its connections.
/// </summary>
internal sealed class ExternallyStoppedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
