using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tcpffee.Health;

/// <summary>Writes the <c>/healthz</c> answer as a small JSON document: the status, why, and each group's state.</summary>
internal static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var entries = report.Entries.ToDictionary(
            e => e.Key,
            e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data });
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString(), checks = entries }, Json));
    }
}
