using OpenTelemetry.Metrics;
using Tcpffee.Cluster;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Hosting;

namespace Tcpffee.Api;

/// <summary>Registers what the stats socket serves: the JSON API and its document, <c>/metrics</c> and <c>/healthz</c>.</summary>
internal static class ApiServiceCollectionExtensions
{
    /// <summary>The meter of the .NET runtime's built-in metrics (<c>dotnet.gc.*</c>, <c>dotnet.thread_pool.*</c>, ...).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// The most attribute sets a runtime instrument keeps; more are counted under <c>otel_metric_overflow="true"</c>.
    /// </summary>
    /// <remarks>
    /// Every stream allocates room for its limit up front, 72 bytes a point: at the default of 2000, the runtime's
    /// streams alone held about 4.6 MB of large-object heap for the handful of generations, CPU modes and exception types
    /// they ever see. tcpffee's own instruments keep the default: their attributes are groups, ports and checks, which
    /// the configuration bounds and an operator may have hundreds of.
    /// </remarks>
    public const int RuntimeCardinalityLimit = 64;

    public static IServiceCollection AddTcpffeeApi(this IServiceCollection services)
    {
        services.AddSingleton<ProcessClock>();
        services.AddSingleton<StateGauges>();
        services.AddSingleton<GroupViews>();
        services.AddSingleton<StickTableViews>();
        services.AddSingleton<InspectionGateFilter>();
        services.AddSingleton<AdminOriginPolicy>();
        services.AddSingleton(sp => new ClusterViews(sp.GetService<ClusterNode>()));
        services.AddProblemDetails();
        services.AddTcpffeeApiDocument();
        // The runtime's own meter as well: its instruments are read at each scrape, and they say what a connection
        // costs the process (allocations, collections, thread-pool work items, CPU time).
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(ProxyMetrics.MeterName, RuntimeMeterName)
            .AddView(static i => i.Meter.Name == RuntimeMeterName ? new MetricStreamConfiguration { CardinalityLimit = RuntimeCardinalityLimit } : null)
            .AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<ProxyHealthCheck>("proxy");
        return services;
    }
}
