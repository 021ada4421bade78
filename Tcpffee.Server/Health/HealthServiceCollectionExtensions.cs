namespace Tcpffee.Health;

/// <summary>Registers the health checks, which start after the state they restore verdicts into and before the listeners.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddTcpffeeHealth(this IServiceCollection services)
    {
        services.AddSingleton<HealthStateStore>();
        services.AddSingleton<GroupOverrides>();
        services.AddSingleton<CheckScheduler>();
        services.AddSingleton<ProbeRunner>();
        services.AddSingleton<RiseFallCounter>();
        services.AddSingleton<GroupHealthUpdater>();
        services.AddSingleton<PassiveHealth>();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        return services;
    }
}
