using System.Text.Json;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>drain, disable and enable through the API change where real clients go, at once and across a restart.</summary>
public sealed class GroupOverrideApiTests : IAsyncLifetime
{
    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task DrainDisableEnable_StuckAndNewClients_RouteAsEachStateSays()
    {
        await using var proxy = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(60)));
        var stuck = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10));
        var other = stuck == 1 ? 2 : 1;

        // Drain: the stuck client stays, every new client goes to the other group.
        var drained = await PostAsync(proxy.Http, $"/api/v1/groups/{stuck}/drain");
        AssertStates(drained, stuck, runtimeOverride: "Draining", effective: "Draining");
        Assert.False(Boolean(drained, "drained"), "a draining group with a live entry is not drained yet");
        Assert.Equal(stuck, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10)));
        foreach (var client in Enumerable.Range(11, 4))
        {
            Assert.Equal(other, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, client)));
        }

        AssertStates(await GetAsync(proxy.Http, $"/api/v1/groups/{stuck}"), stuck, "Draining", "Draining");
        AssertStates(await GetAsync(proxy.Http, $"/api/v1/groups/{other}"), other, null, "Up");

        // Disable: the stuck client moves on its next connection.
        var disabled = await PostAsync(proxy.Http, $"/api/v1/groups/{stuck}/disable");
        AssertStates(disabled, stuck, "Disabled", "Disabled");
        Assert.Null(Nullable(disabled, "drained", JsonValueKind.True));
        Assert.Equal(other, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10)));
        Assert.Equal(other, Number(await GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.10"), "group"));

        // Enable: the group takes new clients again; as it has no entries left, it gets the next one.
        var enabled = await PostAsync(proxy.Http, $"/api/v1/groups/{stuck}/enable");
        AssertStates(enabled, stuck, null, "Up");
        Assert.Null(Nullable(enabled, "drained", JsonValueKind.True));
        Assert.Equal(stuck, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 20)));
        AssertStates(await GetAsync(proxy.Http, $"/api/v1/groups/{stuck}"), stuck, null, "Up");
    }

    [Fact]
    public async Task Drain_GroupWithOpenConnection_IsDrainedOnceItsLastEntryExpires()
    {
        await using var proxy = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(1)));
        await using var connection = await TestClient.OpenNamedAsync(proxy.EndPoint, 30);
        var group = NamedBackend.GroupOf(connection.Greeting!);

        var draining = await PostAsync(proxy.Http, $"/api/v1/groups/{group}/drain");
        Assert.False(Boolean(draining, "drained"));
        Assert.Equal(1, Number(draining, "openConnections"));
        Assert.Equal(1, Number(draining, "stickEntries"));

        // Still stuck while its connection is open, even though the group drains.
        await using (var second = await TestClient.OpenNamedAsync(proxy.EndPoint, 30))
        {
            Assert.Equal(group, NamedBackend.GroupOf(second.Greeting!));
        }

        Assert.False(Boolean(await GetAsync(proxy.Http, $"/api/v1/groups/{group}"), "drained"), "drained with a connection still open");
        await connection.CloseAsync();
        var done = await Eventually.UntilAsync(
            () => GetAsync(proxy.Http, $"/api/v1/groups/{group}"),
            g => g.GetProperty("drained").ValueKind == JsonValueKind.True,
            "the draining group to be drained",
            diagnostics: () => proxy.Logs.ToString());
        Assert.Equal(0, Number(done, "stickEntries"));
        Assert.Equal(0, Number(done, "openConnections"));
        Assert.Equal("Draining", String(done, "effectiveState"));

        var list = (await GetAsync(proxy.Http, "/api/v1/groups")).EnumerateArray().Single(g => Number(g, "id") == group);
        Assert.True(Boolean(list, "drained"));
    }

    [Fact]
    public async Task Override_HostRestartedOnTheSameState_IsStillShownAndHonoured()
    {
        using var directory = new TempDirectory();
        int stuck;
        await using (var first = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(60)), new ProxyHostOptions { StateDirectory = directory.Path }))
        {
            stuck = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(first.EndPoint, 40));
            AssertStates(await PostAsync(first.Http, $"/api/v1/groups/{stuck}/drain"), stuck, "Draining", "Draining");
            await first.StopAsync();
        }

        var other = stuck == 1 ? 2 : 1;
        await using var second = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(60)), new ProxyHostOptions { StateDirectory = directory.Path });

        AssertStates(await GetAsync(second.Http, $"/api/v1/groups/{stuck}"), stuck, "Draining", "Draining");
        AssertStates(await GetAsync(second.Http, $"/api/v1/groups/{other}"), other, null, "Up");

        // The stick table was restored too: the stuck client stays, new clients avoid the draining group.
        Assert.Equal(stuck, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(second.EndPoint, 40)));
        foreach (var client in Enumerable.Range(41, 3))
        {
            Assert.Equal(other, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(second.EndPoint, client)));
        }

        // And it is cleared for good by enable.
        AssertStates(await PostAsync(second.Http, $"/api/v1/groups/{stuck}/enable"), stuck, null, "Up");
        Assert.Equal(stuck, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(second.EndPoint, 50)));
    }

    [Fact]
    public async Task Disable_HostRestartedOnTheSameState_StuckClientMovesAfterRestart()
    {
        using var directory = new TempDirectory();
        int stuck;
        await using (var first = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(60)), new ProxyHostOptions { StateDirectory = directory.Path }))
        {
            stuck = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(first.EndPoint, 60));
            AssertStates(await PostAsync(first.Http, $"/api/v1/groups/{stuck}/disable"), stuck, "Disabled", "Disabled");
        }

        await using var second = await ProxyHost.StartAsync(Config(TimeSpan.FromSeconds(60)), new ProxyHostOptions { StateDirectory = directory.Path });

        AssertStates(await GetAsync(second.Http, $"/api/v1/groups/{stuck}"), stuck, "Disabled", "Disabled");
        Assert.Equal(stuck == 1 ? 2 : 1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(second.EndPoint, 60)));
    }

    private static void AssertStates(JsonElement group, int id, string? runtimeOverride, string effective)
    {
        Assert.Equal(id, Number(group, "id"));
        Assert.Equal("Up", String(group, "configuredState"));
        Assert.Equal(runtimeOverride, Nullable(group, "runtimeOverride", JsonValueKind.String)?.GetString());
        Assert.Equal(effective, String(group, "effectiveState"));
    }

    private Tcpffee.Configuration.TcpffeeConfig Config(TimeSpan expiration) =>
        TestConfig.ForGroups([new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)], expiration);
}
