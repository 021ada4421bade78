using Tcpffee.Cli;

namespace Tcpffee.Hosting;

/// <summary>Composes and runs the proxy host.</summary>
internal static class TcpffeeHost
{
    public static async Task<int> RunAsync(StartupSettings settings, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Environment.Log.ToConfiguration());
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(settings.Environment);
        builder.Services.AddSingleton(settings.Config);
        using var host = builder.Build();
        await host.RunAsync(cancellation).ConfigureAwait(false);
        return 0;
    }
}
