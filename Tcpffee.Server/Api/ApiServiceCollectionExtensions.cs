using OpenTelemetry.Metrics;
using Tcpffee.Cluster;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Hosting;

namespace Tcpffee.Api;

/// <summary>Registers what the stats socket serves: the JSON API and its document, <c>/metrics</c> and <c>/healthz</c>.</summary>
internal static class ApiServiceCollectionExtensions
{
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
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ProxyMetrics.MeterName).AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<ProxyHealthCheck>("proxy");
        return services;
    }
}
