using Tcpffee.Tests.Dashboard.Support;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// The cluster tests, in two collections of about equal length. Each test's proxies take port numbers found free on
/// all three node addresses and outside the kernel's ephemeral range (<see cref="ClusterPorts"/>), and each cuttable
/// cluster's processes run with group ids of their own, whose packets only its own cut drops (<see cref="NetworkCut"/>),
/// so the two run side by side, and beside the other tests. More collections do not finish sooner: the cluster tests
/// are bound by the CPU their processes take to start, on two cores.
/// </summary>
internal static class ClusterCollections
{
    public const string First = "Cluster, first half";

    public const string Second = "Cluster, second half";
}

/// <summary>The first half; the cluster's dashboard test shares its browser, launched on first use.</summary>
[CollectionDefinition(ClusterCollections.First)]
public sealed class ClusterFirstHalf : ICollectionFixture<DashboardBrowser>;

/// <summary>The second half.</summary>
[CollectionDefinition(ClusterCollections.Second)]
public sealed class ClusterSecondHalf;
