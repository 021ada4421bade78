namespace Tcpffee.Cluster;

/// <summary>
/// The cluster's timings: host options bound from the configuration section <c>Tcpffee:Cluster</c> (environment variables
/// such as <c>Tcpffee__Cluster__ReportInterval=00:00:00.250</c>), not keys of the config file. The defaults are what
/// the cluster is measured and documented with; tests shrink them so that expiry, fallback and elections take less time.
/// </summary>
internal sealed class ClusterTimingOptions
{
    public const string Section = "Tcpffee:Cluster";

    /// <summary>How often each proxy reports its active keys and re-proposes what is not committed, and the leader checks expiry.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a new client waits for its assignment to commit, across an election, before the fallback.</summary>
    public TimeSpan AssignTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the health group may have no leader before this proxy decides health on its own checks.</summary>
    public TimeSpan FallbackAfter { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The shortest wait of a follower without heartbeats before it calls an election.</summary>
    public TimeSpan LowerElectionTimeout { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The longest such wait; each follower picks at random in between, so that one usually calls first.</summary>
    public TimeSpan UpperElectionTimeout { get; set; } = TimeSpan.FromMilliseconds(300);
}
