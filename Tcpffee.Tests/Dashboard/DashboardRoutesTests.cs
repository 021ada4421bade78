using System.Net;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Dashboard;

/// <summary>How the stats socket serves the dashboard's files: from the assembly, uncached, locked to its own origin.</summary>
public sealed class DashboardRoutesTests
{
    [Theory]
    [InlineData("dashboard/", "text/html", "<title>tcpffee</title>")]
    [InlineData("dashboard/index.html", "text/html", "dashboard.js")]
    [InlineData("dashboard/dashboard.css", "text/css", "state-draining")]
    [InlineData("dashboard/dashboard.js", "text/javascript", "/api/v1/")]
    public async Task DashboardFile_IsServedFromTheAssembly_WithItsTypeAndPolicy(string path, string contentType, string excerpt)
    {
        await using var proxy = await StartAsync();

        using var response = await proxy.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(excerpt, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WithoutTheSlash_RedirectsToIt_KeepingTheQuery()
    {
        await using var proxy = await StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = proxy.StatsAddress };

        using var response = await client.GetAsync("dashboard?refresh=500");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/?refresh=500", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Dashboard_UnknownFile_Is404()
    {
        await using var proxy = await StartAsync();

        using var response = await proxy.Http.GetAsync("dashboard/secrets.txt");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A proxy whose only group's backend refuses: the page's files do not depend on any backend.</summary>
    private static Task<ProxyHost> StartAsync()
    {
        using var refused = new RefusedPort();
        return ProxyHost.StartAsync(TestConfig.OnePort(refused.EndPoint));
    }
}
