using Microsoft.Extensions.Options;
using Tcpffee.Health;
using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>Registers the state of a proxy in a cluster: the stick table and the health verdicts replicated through Raft.</summary>
internal static class ClusterServiceCollectionExtensions
{
    public static IServiceCollection AddClusterState(this IServiceCollection services, ClusterTopology topology)
    {
        services.AddSingleton(topology);
        services.AddOptions<ClusterTimingOptions>().BindConfiguration(ClusterTimingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterTimingOptions>, ClusterTimingOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ClusterTimingOptions>>().Value);
        services.AddSingleton<ClusterMetrics>();
        services.AddSingleton<ClusterNode>();
        services.AddSingleton<IStickLeases>(sp => sp.GetRequiredService<ClusterNode>().StickTable);
        services.AddSingleton<IStickTableAdmin>(sp => sp.GetRequiredService<ClusterNode>().StickTable);
        services.AddSingleton<IHealthElection>(sp => sp.GetRequiredService<ClusterNode>().Health);
        services.AddSingleton<IOverrideReplication>(sp => sp.GetRequiredService<ClusterNode>().Health);

        // The Raft logs replace the stick table file, and both groups must be up before the listeners open.
        services.AddHostedService<ClusterService>();
        return services;
    }
}
