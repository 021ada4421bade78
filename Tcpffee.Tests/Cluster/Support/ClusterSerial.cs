using Tcpffee.Tests.Dashboard.Support;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// The cluster tests: each starts proxies on 127.0.0.1, .2 and .3 on the same port numbers, so they run one at a
/// time and after the parallel collections. The cluster's dashboard test shares their browser, launched on first use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterSerial : ICollectionFixture<DashboardBrowser>
{
    public const string Name = "Cluster";
}
