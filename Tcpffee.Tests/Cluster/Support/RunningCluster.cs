namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// One started cluster shared by the tests of a class that neither stop nor reconfigure its nodes: starting three
/// proxies is most of what such a test costs.
/// </summary>
public sealed class RunningCluster : IAsyncLifetime
{
    private TestCluster? _cluster;

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the shared cluster has not started");

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
