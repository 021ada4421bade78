using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Health.Support;

namespace Tcpffee.Tests.Health;

public sealed class HttpProbeTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The headers HTTP itself needs on the wire, besides the configured ones.</summary>
    private static readonly string[] TransportHeaders = ["Host", "Connection", "Content-Length"];

    private readonly HttpMessageInvoker _client = HttpProbe.CreateClient();
    private readonly RecordingHttpBackend _backend = new();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("POST", "/health", "Hello, World!", "Content-Type=text/plain|X-Check=tcpffee")]
    [InlineData("POST", "/api/v1/ping?deep=1", "{\"ping\":true}", "Content-Type=application/json; charset=utf-8|Authorization=Bearer abc.def|Accept=application/json")]
    [InlineData("GET", "/", "", "")]
    [InlineData("GET", "/status", "", "X-Forwarded-Proto=https|User-Agent=tcpffee-probe/1")]
    [InlineData("GET", "/typed", "", "Content-Type=text/plain")]
    [InlineData("POST", "/empty", "", "")]
    public async Task CheckHealthAsync_ConfiguredRequest_ArrivesExactly(string method, string target, string body, string headers)
    {
        var configured = headers.Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => h.Split('=', 2))
            .Select(p => (p[0], p[1]))
            .ToArray();
        var settings = TestConfig.Http(
            target, method == "POST" ? HttpCheckMethod.Post : HttpCheckMethod.Get, body.Length == 0 ? null : body, 200, configured);

        var result = await CheckAsync(settings);

        Assert.True(result.Status == HealthStatus.Healthy, result.Description);
        var request = Assert.Single(_backend.Requests);
        Assert.Equal(method, request.Method);
        Assert.Equal(target, request.Target);
        Assert.Equal("HTTP/1.1", request.Version);
        Assert.Equal(body, request.Body);
        foreach (var (name, value) in configured)
        {
            Assert.Equal([value], request.Values(name));
        }

        var unexpected = request.Headers.Select(h => h.Key)
            .Where(n => !configured.Any(c => string.Equals(c.Item1, n, StringComparison.OrdinalIgnoreCase)))
            .Where(n => !TransportHeaders.Contains(n, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(unexpected);
        Assert.Equal(["close"], request.Values("Connection"));
        Assert.Equal([$"{_backend.EndPoint}"], request.Values("Host"));
        if (body.Length > 0)
        {
            Assert.Equal([$"{System.Text.Encoding.UTF8.GetByteCount(body)}"], request.Values("Content-Length"));
        }
    }

    [Fact]
    public async Task CheckHealthAsync_ConfiguredHostHeader_ReplacesTheDefault()
    {
        var settings = TestConfig.Http("/", headers: ("Host", "service.example"));

        var result = await CheckAsync(settings);

        Assert.True(result.Status == HealthStatus.Healthy, result.Description);
        Assert.Equal(["service.example"], Assert.Single(_backend.Requests).Values("Host"));
    }

    [Theory]
    [InlineData(201, 201, true)]
    [InlineData(200, 200, true)]
    [InlineData(500, 201, false)]
    [InlineData(200, 201, false)]
    [InlineData(204, 200, false)]
    [InlineData(404, 200, false)]
    public async Task CheckHealthAsync_Status_PassesOnlyWhenItIsTheExpectedOne(int answered, int expected, bool passes)
    {
        _backend.DefaultStatus = answered;

        var result = await CheckAsync(TestConfig.Http("/health", status: expected));

        if (passes)
        {
            Assert.Equal(HealthStatus.Healthy, result.Status);
            Assert.Equal($"1 endpoint(s) answered {expected}", result.Description);
        }
        else
        {
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Equal($"{_backend.EndPoint}: status {answered}, expected {expected}", result.Description);
        }
    }

    [Fact]
    public async Task CheckHealthAsync_RedirectWhen200Expected_IsNotFollowedAndFails()
    {
        _backend.Answer("/health", 302, "/elsewhere");
        _backend.Answer("/elsewhere", 200);

        var result = await CheckAsync(TestConfig.Http("/health", status: 200));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"{_backend.EndPoint}: status 302, expected 200", result.Description);
        Assert.Equal(["/health"], _backend.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task CheckHealthAsync_RedirectWhen302Expected_Passes()
    {
        _backend.Answer("/health", 302, "/elsewhere");
        _backend.Answer("/elsewhere", 500);

        var result = await CheckAsync(TestConfig.Http("/health", status: 302));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(["/health"], _backend.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task CheckHealthAsync_BackendNeverAnswers_FailsWithTimeoutWhenCancelled()
    {
        _backend.Hang = true;
        var probe = new HttpProbe([_backend.EndPoint], TestConfig.Http("/slow"), _client);
        using var cancellation = new CancellationTokenSource();

        var check = probe.CheckHealthAsync(new HealthCheckContext(), cancellation.Token);
        await Eventually.HoldsAsync(() => _backend.Requests.Count == 1, "the request to reach the hanging backend");
        Assert.False(check.IsCompleted, "the probe finished although the backend never answered");
        await cancellation.CancelAsync();
        var result = await check.WaitAsync(Timeout);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"{_backend.EndPoint}: timeout", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_ConnectionRefused_NamesTheEndpoint()
    {
        using var refused = new RefusedPort();
        var probe = new HttpProbe([_backend.EndPoint, refused.EndPoint], TestConfig.Http("/"), _client);

        var result = await probe.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"{refused.EndPoint}: connection refused", result.Description);
    }

    private Task<HealthCheckResult> CheckAsync(HttpCheckConfig settings) =>
        new HttpProbe([_backend.EndPoint], settings, _client).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None).WaitAsync(Timeout);
}
