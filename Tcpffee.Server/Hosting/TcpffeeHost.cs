using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tcpffee.Api;
using Tcpffee.Cli;
using Tcpffee.Cluster;
using Tcpffee.Configuration;
using Tcpffee.Dashboard;
using Tcpffee.Descriptors;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Listeners;
using Tcpffee.Persistence;
using Tcpffee.Reload;

namespace Tcpffee.Hosting;

/// <summary>Composes and runs the proxy host: the proxied ports, the stats endpoint, and the state that outlives a reload.</summary>
internal static class TcpffeeHost
{
    /// <summary>Extra time the host gives hosted services beyond <c>shutdown_timeout</c>, to save state after draining.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    /// <summary>The exit code after a hosted service failed and stopped the host.</summary>
    public const int FaultExitCode = 1;

    public static string Version { get; } =
        typeof(TcpffeeHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(StartupSettings settings, CancellationToken cancellation)
    {
        WebApplication app;
        try
        {
            app = Build(settings, configure: null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"tcpffee: cannot start: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        // Resolved before the run: RunAsync disposes the host's services when it returns.
        var exitCode = app.Services.GetRequiredService<ProcessExitCode>();
        var backgroundServices = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        try
        {
            await app.RunAsync(cancellation).ConfigureAwait(false);

            // The host logs a background service that failed and stops (BackgroundServiceExceptionBehavior.StopHost),
            // but returns as from a clean stop; without this the process would exit 0 and a supervisor would not restart it.
            if (backgroundServices.Any(s => s.ExecuteTask is { IsFaulted: true }))
            {
                exitCode.Request(FaultExitCode);
            }

            // Zero, unless a part of the host asked for a restart (a faulted Raft log exits with 3, a failed service with 1).
            return exitCode.Value;
        }
        catch (Exception ex) when ((ex is InvalidOperationException or OptionsValidationException) && !cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"tcpffee: cannot start: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Text lines, or the framework's JSON formatter with the messages' fields under <c>State</c>. Added after
    /// <c>UseSystemd</c>: under systemd, text takes the journal's formatter (priority prefixes), but JSON stays JSON.
    /// </summary>
    private static void AddConsoleLog(ILoggingBuilder logging, LogFormat format)
    {
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
            return;
        }

        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
    }

    /// <summary>Builds the application; <paramref name="configure"/> lets the demo add its own services.</summary>
    public static WebApplication Build(StartupSettings settings, Action<WebApplicationBuilder>? configure)
    {
        var (environment, config) = (settings.Environment, settings.Config);

        // First, so that every descriptor the host opens counts against the raised limit; then what a shortage must
        // not be the first to open, so that what is left to count is what the proxied connections can have.
        var descriptors = ProcessDescriptorLimit.RaiseToHard();
        FirstUseWarmup.Run(config);
        var openAtStart = ProcessDescriptorLimit.OpenCount() ?? 0;
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
        builder.Host.UseSystemd();
        AddConsoleLog(builder.Logging, environment.LogFormat);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout + ShutdownMargin);

        builder.WebHost.UseSockets(ConfigureSockets);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(config.StatsBindSocket);
        });

        // Hosted services start in the order they are added and stop in reverse: PID file, state (stick table, then
        // health), listeners, reloads; so a stop drains the listeners, then saves the state, then removes the PID file.
        var topology = ClusterTopology.Resolve(config.Peers, environment.NodeMac, ClusterTopology.LocalMacs());
        var services = builder.Services;
        services.AddTcpffeeProxy(environment, config);
        services.AddSingleton(DescriptorCapacity.For(descriptors, openAtStart));

        // Before any state or listener, so the meter provider listens before the first connection is counted.
        services.AddTcpffeeApi();
        if (topology is null)
        {
            services.AddLocalState(config);
        }
        else
        {
            services.AddClusterState(topology);
        }

        services.AddTcpffeeHealth();
        services.AddTcpffeeListeners();
        services.AddTcpffeeReload();
        configure?.Invoke(builder);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tcpffee.Host");
        foreach (var warning in config.Warnings)
        {
            HostLog.ConfigWarning(logger, warning);
        }

        ReportDescriptors(logger, descriptors, config.MaxConnections, openAtStart);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var ports = string.Join(", ", app.Services.GetRequiredService<ProxyListenerManager>().EndPoints);
            HostLog.Started(logger, Version, Environment.ProcessId, ports, config.StatsBindSocket);
        });
        app.Lifetime.ApplicationStopped.Register(() => HostLog.Stopped(logger));

        // Built now for what their constructors do: the clock starts counting uptime, the gauges join the meter.
        app.Services.GetRequiredService<ProcessClock>();
        app.Services.GetRequiredService<StateGauges>();
        app.UseTcpffeeApiDocument();
        app.MapTcpffeeApi();
        app.MapTcpffeeDashboard();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }

    private static void ReportDescriptors(ILogger logger, DescriptorLimit limit, int maxConnections, int open)
    {
        if (limit.Error is { } error)
        {
            HostLog.DescriptorLimitNotRaised(logger, error);
        }
        else if (limit.Raised)
        {
            HostLog.DescriptorLimitRaised(logger, limit.Before, limit.Soft);
        }

        if (DescriptorBudget.FallsShort(limit, maxConnections, open))
        {
            HostLog.DescriptorLimitTooLow(
                logger, maxConnections, DescriptorBudget.Needed(maxConnections, open), open, DescriptorReserve.Size, DescriptorBudget.Margin, limit.Soft, limit.Hard);
        }
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
