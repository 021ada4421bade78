using Microsoft.AspNetCore.Http.HttpResults;

namespace Tcpffee.Dashboard;

/// <summary>
/// <c>/dashboard/</c> on the stats socket: a page, its stylesheet and its script, served from the assembly so that it
/// works on a host with no network. The page reads only the public <c>/api/v1</c> routes.
/// </summary>
internal static class DashboardRoutes
{
    public const string Path = "/dashboard/";

    // The page loads nothing but its own files and talks only to its own origin; no other site may frame its buttons.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly DashboardAsset Page = DashboardAsset.Load("index.html", "text/html; charset=utf-8");

    private static readonly DashboardAsset[] Assets =
    [
        Page,
        DashboardAsset.Load("dashboard.css", "text/css; charset=utf-8"),
        DashboardAsset.Load("dashboard.js", "text/javascript; charset=utf-8"),
    ];

    public static void MapTcpffeeDashboard(this WebApplication app)
    {
        // Routing matches "/dashboard" and "/dashboard/" alike; only the second makes the page's relative links resolve.
        app.MapGet("/dashboard", Results<FileContentHttpResult, RedirectHttpResult> (HttpContext context) =>
            context.Request.Path.Value!.EndsWith('/')
                ? Serve(context, Page)
                : TypedResults.Redirect(Path + context.Request.QueryString)).ExcludeFromDescription();
        foreach (var asset in Assets)
        {
            app.MapGet(Path + asset.Name, (HttpContext context) => Serve(context, asset)).ExcludeFromDescription();
        }
    }

    private static FileContentHttpResult Serve(HttpContext context, DashboardAsset asset)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
