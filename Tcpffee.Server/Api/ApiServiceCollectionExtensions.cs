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
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ProxyMetrics.MeterName, RuntimeMeterName).AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<ProxyHealthCheck>("proxy");
        return services;
    }
}
