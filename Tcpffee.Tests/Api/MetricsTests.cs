using System.Globalization;
using System.Text.Json;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary><c>/metrics</c> after known traffic: the Prometheus text counts exactly what went through.</summary>
[Collection(MetricsAlone.Name)]
public sealed class MetricsTests : IAsyncLifetime, IDisposable
{
    private const int PayloadSize = 1000;

    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);
    private readonly TempDirectory _directory = new();
    private int _port;

    private string ConfigPath => _directory.Combine("tcpffee.toml");

    private string Port => _port.ToString(CultureInfo.InvariantCulture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Metrics_AfterAConnection_IncludeTheRuntimesOwnCounters()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, Groups()));
        await TestClient.WhoAnswersAsync(proxy.EndPoint, 10, "x"u8.ToArray());

        // What a connection costs the process, read from the runtime itself: allocations, collections, work items, CPU.
        var metrics = await ScrapeUntilAsync(
            proxy,
            m => m.Value("dotnet_gc_heap_total_allocated_bytes_total") > 0
                && m.Value("dotnet_thread_pool_work_item_count_total") > 0
                && m.Find("dotnet_gc_collections_total").Count == 3
                && m.Value("dotnet_process_cpu_time_seconds_total", ("cpu_mode", "user")) > 0,
            "the runtime's counters");
        Assert.NotNull(metrics.Value("dotnet_monitor_lock_contentions_total"));
    }

    [Fact]
    public async Task Metrics_ThreeConnectionsThroughOneGroup_CountConnectionsAndBytesOfThatGroup()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, Groups()));
        var payload = new byte[PayloadSize];
        System.Array.Fill(payload, (byte)'x');

        // One client is one key, so all three connections go to the same group.
        var groups = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            groups.Add(NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10, payload)));
        }

        var x = Assert.Single(groups.Distinct());
        var y = x == 1 ? 2 : 1;
        // Down: each connection gets the backend's name and a newline, then its echo of the payload.
        var down = NamedBackend.NameOf(x).Length + 1 + PayloadSize;
        var g = x.ToString(CultureInfo.InvariantCulture);
        var metrics = await ScrapeUntilAsync(
            proxy,
            m => m.Value("tcpffee_bytes_total", ("group", g), ("direction", "up")) == 3 * PayloadSize
                && m.Value("tcpffee_bytes_total", ("group", g), ("direction", "down")) == 3 * down
                && m.Value("tcpffee_connections_tracked") == 0,
            "the three connections to be counted");

        Assert.Equal(3, metrics.Value("tcpffee_connections_accepted_total", ("port", Port)));
        Assert.Equal(3, metrics.Value("tcpffee_connections_total", ("group", g)));
        Assert.Equal(0, metrics.Value("tcpffee_connections_total", ("group", y.ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(0, metrics.Value("tcpffee_bytes_total", ("group", y.ToString(CultureInfo.InvariantCulture)), ("direction", "up")) ?? 0);
        Assert.Equal(0, metrics.Value("tcpffee_connections_open", ("group", g)));
        Assert.Equal(1, metrics.Value("tcpffee_stick_table_entries", ("group", g)));
        Assert.Equal(0, metrics.Value("tcpffee_stick_table_entries", ("group", y.ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(0, metrics.Value("tcpffee_stick_table_evictions_total"));
        Assert.Equal(0, metrics.Value("tcpffee_group_state", ("group", "1")));
        Assert.Equal(0, metrics.Value("tcpffee_group_state", ("group", "2")));
        Assert.Empty(metrics.Find("tcpffee_connections_rejected_total"));

        // The same numbers as the API's own view of the group.
        var group = await GetAsync(proxy.Http, $"/api/v1/groups/{x}");
        Assert.Equal(3 * PayloadSize, Number(group, "bytesUp"));
        Assert.Equal(3 * down, Number(group, "bytesDown"));
        Assert.Equal(3, Number(group, "totalConnections"));
    }

    [Fact]
    public async Task Metrics_GroupStateAndReloads_FollowTheAdminRoutes()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, Groups()));

        await PostAsync(proxy.Http, "/api/v1/groups/2/drain");
        await ScrapeUntilAsync(proxy, m => m.Value("tcpffee_group_state", ("group", "2")) == 1, "group 2 to show draining (1)");
        await PostAsync(proxy.Http, "/api/v1/groups/2/disable");
        var disabled = await ScrapeUntilAsync(proxy, m => m.Value("tcpffee_group_state", ("group", "2")) == 2, "group 2 to show disabled (2)");
        Assert.Equal(0, disabled.Value("tcpffee_group_state", ("group", "1")));
        await PostAsync(proxy.Http, "/api/v1/groups/2/enable");
        await ScrapeUntilAsync(proxy, m => m.Value("tcpffee_group_state", ("group", "2")) == 0, "group 2 to show up (0) again");

        Assert.True(Boolean(await PostAsync(proxy.Http, "/api/v1/reload"), "applied"));
        var applied = await ScrapeUntilAsync(proxy, m => m.Value("tcpffee_reloads_total", ("result", "applied")) is >= 1, "an applied reload");
        Assert.Equal(1, applied.Value("tcpffee_reloads_total", ("result", "applied")));

        await File.WriteAllTextAsync(ConfigPath, "ports = [ 0 ]\n");
        Assert.False(Boolean(await PostAsync(proxy.Http, "/api/v1/reload"), "applied"));
        var refused = await ScrapeUntilAsync(proxy, m => m.Value("tcpffee_reloads_total", ("result", "refused")) is >= 1, "a refused reload");
        Assert.Equal(1, refused.Value("tcpffee_reloads_total", ("result", "refused")));
        Assert.Equal(1, refused.Value("tcpffee_reloads_total", ("result", "applied")));
    }

    [Fact]
    public async Task Metrics_NoGroupUp_CountTheConnectionAsRejectedForNoGroup()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, [new TestGroup(1, _one.EndPoint) { Disabled = true }]));

        await TestClient.ExpectClosedAsync(proxy.EndPoint, 10);

        var metrics = await ScrapeUntilAsync(
            proxy, m => m.Value("tcpffee_connections_rejected_total", ("port", Port), ("reason", "no_group")) == 1, "the rejected connection");
        Assert.Equal(2, metrics.Value("tcpffee_group_state", ("group", "1")));
        Assert.Equal(1, metrics.Value("tcpffee_connections_accepted_total", ("port", Port)));
        Assert.Equal(0, metrics.Value("tcpffee_connections_total", ("group", "1")));
        Assert.Equal(0, _one.Accepted);
    }

    [Fact]
    public async Task Metrics_OverMaxConnections_CountTheRejectionInMetricsAndSummary()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, [new TestGroup(1, _one.EndPoint)])
            .Replace("expiration =", "max_connections = 1\nexpiration =", StringComparison.Ordinal));
        await using var held = await TestClient.OpenNamedAsync(proxy.EndPoint, 10);

        await TestClient.ExpectClosedAsync(proxy.EndPoint, 11);

        await ScrapeUntilAsync(
            proxy, m => m.Value("tcpffee_connections_rejected_total", ("port", Port), ("reason", "max_connections")) == 1, "the connection over the limit");
        var totals = (await GetAsync(proxy.Http, "/api/v1/")).GetProperty("totals");
        Assert.Equal(1, Number(totals, "rejected"));
        Assert.Equal(1, Number(totals, "accepted"));
        Assert.Equal(1, Number(totals, "openConnections"));
    }

    [Fact]
    public async Task Metrics_BackendRefusesConnections_CountConnectFailuresAndTheRejection()
    {
        var dead = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePorts.Next());
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, [new TestGroup(1, dead)]));

        await TestClient.ExpectClosedAsync(proxy.EndPoint, 10);

        var metrics = await ScrapeUntilAsync(
            proxy, m => m.Value("tcpffee_connections_rejected_total", ("port", Port), ("reason", "connect_failed")) == 1, "the refused connection");
        Assert.Equal(1, metrics.Value("tcpffee_backend_connect_failures_total", ("group", "1")));
        Assert.Equal(0, metrics.Value("tcpffee_connections_total", ("group", "1")));
    }

    [Fact]
    public async Task Metrics_HealthCheckedGroup_ShowCheckUpAndPassingProbes()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, [new TestGroup(1, _one.EndPoint) { HealthCheck = true }, new TestGroup(2, _two.EndPoint)]));

        var metrics = await ScrapeUntilAsync(
            proxy, m => m.Value("tcpffee_health_probes_total", ("group", "1"), ("check", "0"), ("result", "pass")) is >= 1, "a passing probe");

        Assert.Equal(1, metrics.Value("tcpffee_health_check_up", ("group", "1"), ("check", "0"), ("kind", "tcp")));
        Assert.Empty(metrics.Find("tcpffee_health_check_up", ("group", "2")));
        Assert.Empty(metrics.Find("tcpffee_health_probes_total", ("result", "fail")));
    }

    [Fact]
    public async Task SummaryTotals_NoGroupUp_CountTheRejectedConnectionAsTheMetricDoes()
    {
        await using var proxy = await StartAsync(port => TestConfig.Toml(port, [new TestGroup(1, _one.EndPoint) { Disabled = true }]));

        await TestClient.ExpectClosedAsync(proxy.EndPoint, 10);

        await ScrapeUntilAsync(
            proxy, m => m.Value("tcpffee_connections_rejected_total", ("port", Port), ("reason", "no_group")) == 1, "the rejected connection");
        var totals = (await GetAsync(proxy.Http, "/api/v1/")).GetProperty("totals");
        Assert.Equal(1, Number(totals, "rejected"));
    }

    private static async Task<PrometheusText> ScrapeAsync(ProxyHost proxy)
    {
        using var response = await proxy.Http.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics: {(int)response.StatusCode} {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(body);
    }

    private static Task<PrometheusText> ScrapeUntilAsync(ProxyHost proxy, Func<PrometheusText, bool> done, string what) =>
        Eventually.UntilAsync(() => ScrapeAsync(proxy), done, what, diagnostics: () => proxy.Logs.ToString());

    private TestGroup[] Groups() => [new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)];

    private async Task<ProxyHost> StartAsync(Func<int, string> configText)
    {
        (var proxy, _port) = await ProxyHost.StartFromFileAsync(ConfigPath, configText, new ProxyHostOptions { StateDirectory = _directory.Path });
        return proxy;
    }
}
