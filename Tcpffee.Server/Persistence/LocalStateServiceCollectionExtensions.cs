using Tcpffee.Configuration;
using Tcpffee.StickTable;

namespace Tcpffee.Persistence;

/// <summary>Registers the state of a proxy that is not in a cluster: its own stick table, saved to its file.</summary>
internal static class LocalStateServiceCollectionExtensions
{
    public static IServiceCollection AddLocalState(this IServiceCollection services, TcpffeeConfig config)
    {
        services.AddSingleton(sp => new LocalStickTable(config.Expiration, config.StickTableMaxEntries, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStickLeases>(sp => sp.GetRequiredService<LocalStickTable>());
        services.AddSingleton<IStickTableAdmin>(sp => sp.GetRequiredService<LocalStickTable>());

        // Loads the saved table before the listeners open, and saves it after they have drained.
        services.AddHostedService<StickTablePersistenceService>();
        return services;
    }
}
