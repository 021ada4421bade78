using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Hosting;

/// <summary>
/// A proxy loads only what its configuration uses: no expression compiler for the API's routes and filters, and no
/// HTTP client until a group has an HTTP health check. Each assembly a process loads costs it resident memory.
/// </summary>
public sealed class AssemblyLoadingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Start_PlainConfigAndEveryKindOfStatsRoute_LoadsNeitherExpressionsNorHttpClient()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var server = await ServerProcess.StartProxyToAsync(alpha.EndPoint);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Ports[1]}"), Timeout = Deadline };

        // What an operator's proxy does: proxies, and answers a read route, an admin route (its filter), metrics and health.
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(server.Ports[0], 2, "hello"u8.ToArray()));
        await GetAsync(http, "/api/v1/groups");
        await PostAsync(http, "/api/v1/groups/0/enable");
        (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).EnsureSuccessStatusCode();
        (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).EnsureSuccessStatusCode();

        var loaded = ProcessMaps.Assemblies(server.Id);
        Assert.Contains("Tcpffee.Core.dll", loaded);
        Assert.DoesNotContain("System.Linq.Expressions.dll", loaded);
        Assert.DoesNotContain("System.Net.Http.dll", loaded);
    }

    [Fact]
    public async Task Start_HttpHealthCheck_LoadsHttpClient()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var server = await ServerProcess.StartProxyToAsync(alpha.EndPoint, "[[groups.0.healthchecks]]\ninterval = 0.05\nhttp_target = \"/\"\n");

        // The probe's client is made for the first HTTP check, so the assembly shows as soon as the check has been built.
        await Eventually.HoldsAsync(() => ProcessMaps.Assemblies(server.Id).Contains("System.Net.Http.dll"), "System.Net.Http mapped for the HTTP check", Deadline);
    }
}
