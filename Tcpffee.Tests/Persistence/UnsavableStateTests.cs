using System.Net;
using System.Text.Json;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Persistence;

/// <summary>
/// State that cannot be saved is said: with both save paths taken by directories (a failure even root cannot write
/// through), <c>/healthz</c> is degraded naming why, and an override answers 503 saying it applies in memory, which it does.
/// </summary>
public sealed class UnsavableStateTests : IAsyncLifetime, IDisposable
{
    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);
    private readonly TempDirectory _state = new();

    public Task InitializeAsync()
    {
        // A file cannot be renamed over a non-empty directory, whoever runs the test.
        foreach (var name in new[] { "healthcheck_state", "stick_table" })
        {
            Directory.CreateDirectory(_state.Combine(name));
            File.WriteAllText(Path.Combine(_state.Combine(name), "keep"), "");
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Override_HealthStateCannotBeSaved_Answers503AndStillApplies()
    {
        await using var proxy = await StartAsync();

        using var response = await proxy.Http.PostAsync("/api/v1/groups/1/drain", content: null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "drain with an unsavable health state");
        Assert.Contains("applies now, in memory", String(problem, "detail"), StringComparison.Ordinal);
        Assert.Contains(_state.Combine("healthcheck_state"), String(problem, "detail"), StringComparison.Ordinal);
        var group = await GetAsync(proxy.Http, "/api/v1/groups/1");
        Assert.Equal("Draining", String(group, "effectiveState"));
    }

    [Fact]
    public async Task Healthz_StateCannotBeSaved_DegradedWithTheReasonAndTheFailureLoggedOnce()
    {
        await using var proxy = await StartAsync();

        // Group 2 still takes new clients, so the proxy is degraded, not unhealthy.
        using (await proxy.Http.PostAsync("/api/v1/groups/1/drain", content: null))
        {
        }

        // The stick table is saved every 5 s; both failures must show, each named.
        var health = await Eventually.UntilAsync(
            async () => JsonDocument.Parse(await proxy.Http.GetStringAsync("/healthz")).RootElement.Clone(),
            h => h.GetRawText().Contains("the stick table cannot be saved", StringComparison.Ordinal),
            "/healthz names the stick table save failure");

        Assert.Equal("Degraded", String(health, "status"));
        Assert.Contains("the health check state cannot be saved", health.GetRawText(), StringComparison.Ordinal);
        Assert.Single(proxy.Logs.Entries, e => e.EventId.Id == 4010 && e.Message.Contains("the stick table", StringComparison.Ordinal));
    }

    private Task<ProxyHost> StartAsync() =>
        ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)]), new ProxyHostOptions { StateDirectory = _state.Path });
}
