using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>Live traffic as health evidence: failed connects turn a group draining in the API, a served one brings it back.</summary>
public sealed class PassiveHealthFunctionalTests
{
    [Fact]
    public async Task ConnectFailures_PassiveFallInARow_GroupDrainingUntilAConnectSucceeds()
    {
        var backend = NamedBackend.Start("alpha");
        var port = backend.EndPoint.Port;
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint));
        Assert.Equal("alpha", await proxy.AskOnceAsync(2));
        await backend.DisposeAsync();

        for (var i = 0; i < 3; i++)
        {
            var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2);
            Assert.Empty(data);
        }

        var group = await GetAsync(proxy.Http, "/api/v1/groups/0");
        Assert.Equal("Draining", String(group, "effectiveState"));
        Assert.Equal("Up", String(group, "healthState"));
        var passive = Property(group, "passive", System.Text.Json.JsonValueKind.Object);
        Assert.True(Boolean(passive, "failing"));
        Assert.Equal(3, Number(passive, "consecutiveFailures"));

        // The client is stuck to the group, and a draining group keeps its clients: its next connect is the evidence.
        await using var back = NamedBackend.Start("alpha", port);
        Assert.Equal("alpha", await proxy.AskOnceAsync(2));
        group = await GetAsync(proxy.Http, "/api/v1/groups/0");
        Assert.Equal("Up", String(group, "effectiveState"));
        Assert.False(Boolean(Property(group, "passive", System.Text.Json.JsonValueKind.Object), "failing"));
    }

    [Fact]
    public async Task ConnectFailures_PassiveFallZero_GroupStaysUp()
    {
        var backend = NamedBackend.Start("alpha");
        var config = OnePort(backend.EndPoint);
        await using var proxy = await ProxyHost.StartAsync(config with { Groups = [config.Groups[0] with { PassiveFall = 0 }] });
        Assert.Equal("alpha", await proxy.AskOnceAsync(2));
        await backend.DisposeAsync();

        for (var i = 0; i < 6; i++)
        {
            var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2);
            Assert.Empty(data);
        }

        var group = await GetAsync(proxy.Http, "/api/v1/groups/0");
        Assert.Equal("Up", String(group, "effectiveState"));
        Assert.Equal(0, Number(Property(group, "passive", System.Text.Json.JsonValueKind.Object), "fall"));
    }
}
