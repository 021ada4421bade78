namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// One started cluster shared by the tests of a class that neither stop nor reconfigure its nodes: starting three
/// proxies is most of what such a test costs.
/// </summary>
public class RunningCluster : IAsyncLifetime
{
    private TestCluster? _cluster;

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the shared cluster has not started");

    /// <summary>The options the cluster is started with.</summary>
    internal virtual ClusterOptions? Options => null;

    /// <summary>How many stdout lines each node had written when the cluster had formed: the lines of its start.</summary>
    internal IReadOnlyList<int> StartLines { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(Options);
        StartLines = [.. _cluster.Members.Select(m => m.Process.Mark())];
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
