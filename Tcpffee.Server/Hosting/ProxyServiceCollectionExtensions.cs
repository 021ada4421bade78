using Microsoft.AspNetCore.Connections;
using Tcpffee.Configuration;
using Tcpffee.Descriptors;
using Tcpffee.Diagnostics;
using Tcpffee.Lifecycle;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.Persistence;
using Tcpffee.Routing;
using Tcpffee.StickTable;

namespace Tcpffee.Hosting;

/// <summary>Registers the data path: routing state, key building, the router, the listeners and their metrics.</summary>
internal static class ProxyServiceCollectionExtensions
{
    /// <summary>Adds the proxy's core. The stick table's ports come from <c>AddLocalState</c> or <c>AddClusterState</c>.</summary>
    public static IServiceCollection AddTcpffeeProxy(this IServiceCollection services, TcpffeeEnvironment environment, TcpffeeConfig config)
    {
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

        // Registered after Kestrel's socket transport, so it is the one Kestrel binds the stats endpoint with; the proxied
        // ports have a transport of their own, without pipes.
        services.AddSingleton<DescriptorReserve>();
        services.AddSingleton<IConnectionListenerFactory, PausingSocketListenerFactory>();
        services.AddKeyedSingleton<IConnectionListenerFactory, ProxySocketListenerFactory>(ProxySocketListenerFactory.Key);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProcessExitCode>();
        services.AddSingleton(environment);
        services.AddSingleton(config);
        services.AddSingleton<GroupStateRegistry>();
        services.AddSingleton(sp => new RoutingState(config, sp.GetRequiredService<GroupStateRegistry>()));
        services.AddSingleton(sp => new StickyRouter(sp.GetRequiredService<IStickLeases>()));
        services.AddSingleton(new KeyBuilder(environment.KeyType, environment.SliceStart, environment.SliceEnd));
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<ClientConnectionCounts>();
        services.AddSingleton<StateSaveFailures>();
        services.AddSingleton<ProxyListenerManager>();

        // The first hosted service: the PID file exists before anything listens and is removed after everything stopped.
        services.AddHostedService<PidFileService>();
        return services;
    }

    /// <summary>Opens the proxied ports; added after the state services, so the host starts them last and stops them first.</summary>
    public static IServiceCollection AddTcpffeeListeners(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<ProxyListenerManager>());
        return services;
    }
}
