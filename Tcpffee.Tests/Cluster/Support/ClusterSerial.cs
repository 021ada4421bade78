namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// The cluster tests: each starts proxies on 127.0.0.1, .2 and .3 on the same port numbers, so they run one at a
/// time and after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterSerial
{
    public const string Name = "Cluster";
}
