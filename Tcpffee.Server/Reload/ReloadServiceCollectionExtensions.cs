namespace Tcpffee.Reload;

/// <summary>Registers configuration reloads (SIGUSR1 and the API), started last so a reload never meets a half-started host.</summary>
internal static class ReloadServiceCollectionExtensions
{
    public static IServiceCollection AddTcpffeeReload(this IServiceCollection services)
    {
        services.AddSingleton<ConfigReloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloadService>());
        return services;
    }
}
