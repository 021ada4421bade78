using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Tcpffee.Api;
using Tcpffee.Cli;
using Tcpffee.Cluster;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Lifecycle;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.Persistence;
using Tcpffee.Reload;
using Tcpffee.Routing;
using Tcpffee.StickTable;

namespace Tcpffee.Hosting;

/// <summary>Composes and runs the proxy host: the proxied ports, the stats endpoint, and the state that outlives a reload.</summary>
internal static class TcpffeeHost
{
    /// <summary>Extra time the host gives hosted services beyond <c>shutdown_timeout</c>, to save state after draining.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    public static string Version { get; } =
        typeof(TcpffeeHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(StartupSettings settings, CancellationToken cancellation)
    {
        WebApplication app;
        try
        {
            app = Build(settings, configure: null);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"tcpffee: cannot start: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        try
        {
            await app.RunAsync(cancellation).ConfigureAwait(false);

            // Zero, unless a part of the host asked for a restart (a faulted Raft log exits with 3).
            return Environment.ExitCode;
        }
        catch (InvalidOperationException ex) when (!cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"tcpffee: cannot start: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Builds the application; <paramref name="configure"/> lets the demo add its own services.</summary>
    public static WebApplication Build(StartupSettings settings, Action<WebApplicationBuilder>? configure)
    {
        var (environment, config) = (settings.Environment, settings.Config);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft"] = "Warning",

                // A degraded /healthz is a state, not a warning; the health monitor logs the changes that matter.
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Error",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",

                // dotNext narrates every election step; tcpffee logs leader changes and the fallback itself.
                ["Logging:LogLevel:DotNext"] = "Warning",
            });
        builder.Configuration.AddInMemoryCollection(environment.Log.ToConfiguration());

        // Logging__LogLevel__* variables must win over TCPFFEE_LOG, so they are read again last.
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Host.UseSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout + ShutdownMargin);

        builder.WebHost.UseSockets(ConfigureSockets);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(config.StatsBindSocket);
        });

        var services = builder.Services;
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(environment);
        services.AddSingleton(config);
        services.AddSingleton<GroupStateRegistry>();
        services.AddSingleton(sp => new RoutingState(config, sp.GetRequiredService<GroupStateRegistry>()));
        var topology = ClusterTopology.Resolve(config.Peers, environment.NodeMac, ClusterTopology.LocalMacs());
        if (topology is null)
        {
            services.AddSingleton(sp => new LocalStickTable(config.Expiration, config.StickTableMaxEntries, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IStickTable>(sp => sp.GetRequiredService<LocalStickTable>());
        }
        else
        {
            services.AddSingleton(topology);
            services.AddSingleton<ClusterMetrics>();
            services.AddSingleton<ClusterNode>();
            services.AddSingleton<IStickTable>(sp => sp.GetRequiredService<ClusterNode>().StickTable);
            services.AddSingleton<IHealthElection>(sp => sp.GetRequiredService<ClusterNode>().Health);
            services.AddSingleton<IOverrideReplication>(sp => sp.GetRequiredService<ClusterNode>().Health);
        }

        services.AddSingleton(sp => new StickyRouter(sp.GetRequiredService<IStickTable>()));
        services.AddSingleton(new KeyBuilder(environment.KeyType, environment.SliceStart, environment.SliceEnd));
        services.AddSingleton<ProcessClock>();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<StateGauges>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<GroupViews>();
        services.AddSingleton<StickTableViews>();
        services.AddSingleton(sp => new ClusterViews(sp.GetService<ClusterNode>()));
        services.AddProblemDetails();
        services.AddTcpffeeApiDocument();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ProxyMetrics.MeterName).AddPrometheusExporter());
        services.AddSingleton<ProxyListenerManager>();
        services.AddHealthChecks().AddCheck<ProxyHealthCheck>("proxy");

        // Start order is PID file, state (stick table, then health), listeners; the host stops them in reverse:
        // drain, save, remove the PID file.
        services.AddHostedService<PidFileService>();
        if (topology is null)
        {
            services.AddHostedService<StickTablePersistenceService>();
        }
        else
        {
            // The Raft logs replace the stick table file, and the groups must be up before the listeners.
            services.AddHostedService<ClusterService>();
        }

        services.AddSingleton<HealthStateStore>();
        services.AddSingleton<GroupOverrides>();
        services.AddSingleton<CheckScheduler>();
        services.AddSingleton<ProbeRunner>();
        services.AddSingleton<RiseFallCounter>();
        services.AddSingleton<GroupHealthUpdater>();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<ProxyListenerManager>());
        services.AddSingleton<ConfigReloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloadService>());
        configure?.Invoke(builder);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tcpffee.Host");
        foreach (var warning in config.Warnings)
        {
            HostLog.ConfigWarning(logger, warning);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var ports = string.Join(", ", app.Services.GetRequiredService<ProxyListenerManager>().EndPoints);
            HostLog.Started(logger, Version, Environment.ProcessId, ports, config.StatsBindSocket);
        });
        app.Lifetime.ApplicationStopped.Register(() => HostLog.Stopped(logger));
        app.Services.GetRequiredService<ProcessClock>();
        app.Services.GetRequiredService<StateGauges>();
        app.UseTcpffeeApiDocument();
        app.MapTcpffeeApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }

    /// <summary>The socket transport settings both the proxied ports and the stats endpoint use.</summary>
    private static void ConfigureSockets(SocketTransportOptions options)
    {
        options.NoDelay = true;

        // Pipe continuations run inline on the socket thread, as the copy loop never blocks: one hop less per read.
        options.UnsafePreferInlineScheduling = true;

        // Wait for data before taking a buffer from the pool, so idle connections hold none.
        options.WaitForDataBeforeAllocatingBuffer = true;
    }
}
