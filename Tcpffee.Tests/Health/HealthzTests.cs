using System.Net;
using System.Text.Json;
using Tcpffee.Model;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary><c>/healthz</c> on the stats endpoint of an in-process proxy, with real probes on the real clock.</summary>
public sealed class HealthzTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Theory]
    [InlineData(0, HttpStatusCode.OK, "Healthy")]
    [InlineData(1, HttpStatusCode.OK, "Degraded")]
    [InlineData(2, HttpStatusCode.ServiceUnavailable, "Unhealthy")]
    public async Task Healthz_GroupsDownByHealthCheck_ReportsTheProxyHealth(int groupsDown, HttpStatusCode expectedCode, string expectedStatus)
    {
        await using var up = NamedBackend.Start("up");
        using var down = new RefusedPort();

        // A slow probe must not fail a healthy group here: a timeout as long as the interval and fall 2.
        var check = TestConfig.Tcp(fall: 2, rise: 1, interval: Interval, timeout: Interval);
        var config = TestConfig.Proxy(
            TestConfig.Group(0, groupsDown >= 1 ? down.EndPoint : up.EndPoint, check),
            TestConfig.Group(1, groupsDown >= 2 ? down.EndPoint : up.EndPoint, check));
        await using var proxy = await ProxyHost.StartAsync(config);
        await Eventually.HoldsAsync(
            () => proxy.Health.Checks.All(c => c.Status.ConsecutivePasses + c.Status.ConsecutiveFails >= 2)
                && proxy.Group(0).Health == (groupsDown >= 1 ? GroupStatus.Draining : GroupStatus.Up)
                && proxy.Group(1).Health == (groupsDown >= 2 ? GroupStatus.Draining : GroupStatus.Up),
            "the checks to settle", diagnostics: () => proxy.Describe());

        var (code, body) = await GetHealthzAsync(proxy);

        Assert.Equal(expectedCode, code);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(expectedStatus, document.RootElement.GetProperty("status").GetString());
        var groups = document.RootElement.GetProperty("checks").GetProperty("proxy").GetProperty("data");
        Assert.Equal(groupsDown >= 1 ? "Draining" : "Up", groups.GetProperty("group 0").GetString());
        Assert.Equal(groupsDown >= 2 ? "Draining" : "Up", groups.GetProperty("group 1").GetString());
    }

    [Fact]
    public async Task Healthz_GroupBackUp_IsHealthyAgain()
    {
        await using var backend = NamedBackend.Start("a");
        await using var other = NamedBackend.Start("b");
        await backend.StopAsync();
        var check = TestConfig.Tcp(fall: 1, rise: 1, interval: Interval, timeout: Interval);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.Proxy(
            TestConfig.Group(0, backend.EndPoint, check), TestConfig.Group(1, other.EndPoint)));
        await Eventually.HoldsAsync(() => proxy.Group(0).Health == GroupStatus.Draining, "group 0 to drain", diagnostics: () => proxy.Describe());
        Assert.Equal((HttpStatusCode.OK, "Degraded"), await StatusAsync(proxy));

        backend.Restart();
        await Eventually.HoldsAsync(() => proxy.Group(0).Health == GroupStatus.Up, "group 0 to rise", diagnostics: () => proxy.Describe());

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await StatusAsync(proxy));
    }

    private static async Task<(HttpStatusCode Code, string Status)> StatusAsync(ProxyHost proxy)
    {
        var (code, body) = await GetHealthzAsync(proxy);
        using var document = JsonDocument.Parse(body);
        return (code, document.RootElement.GetProperty("status").GetString()!);
    }

    private static async Task<(HttpStatusCode Code, string Body)> GetHealthzAsync(ProxyHost proxy)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var response = await client.GetAsync(new Uri(proxy.StatsAddress, "/healthz"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
