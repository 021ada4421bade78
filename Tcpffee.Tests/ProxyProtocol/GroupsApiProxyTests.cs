using System.Net;
using System.Text.Json;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>The stats API shows each group's <c>transparent</c> and <c>sendProxy</c>.</summary>
public sealed class GroupsApiProxyTests
{
    private static readonly IPEndPoint Backend = IPEndPoint.Parse("127.0.0.1:9");

    private static async Task<ProxyHost> StartAsync() => await ProxyHost.StartOnFreePortAsync(TestConfig.Proxy(
        TestConfig.Group(0, Backend),
        TestConfig.Group(1, Backend) with { Transparent = true },
        TestConfig.Group(2, Backend) with { SendProxy = ProxyProtocolVersion.V1 },
        TestConfig.Group(3, Backend) with { SendProxy = ProxyProtocolVersion.V2, Transparent = true }));

    [Fact]
    public async Task GetGroups_ProxySettings_ShownPerGroup()
    {
        await using var proxy = await StartAsync();

        using var json = await proxy.GetJsonAsync("api/v1/groups");

        var shown = json.RootElement.EnumerateArray()
            .Select(g => (Id: g.GetProperty("id").GetInt32(), Transparent: g.GetProperty("transparent").GetBoolean(), SendProxy: SendProxy(g)))
            .ToList();
        Assert.Equal([(0, false, null), (1, true, null), (2, false, "v1"), (3, true, "v2")], shown);
    }

    [Theory]
    [InlineData(0, false, null)]
    [InlineData(1, true, null)]
    [InlineData(2, false, "v1")]
    [InlineData(3, true, "v2")]
    public async Task GetGroup_ProxySettings_Shown(int id, bool transparent, string? sendProxy)
    {
        await using var proxy = await StartAsync();

        using var json = await proxy.GetJsonAsync($"api/v1/groups/{id}");

        Assert.Equal(transparent, json.RootElement.GetProperty("transparent").GetBoolean());
        Assert.Equal(sendProxy, SendProxy(json.RootElement));
    }

    /// <summary>The <c>sendProxy</c> property, which must be present: a string, or null for none.</summary>
    private static string? SendProxy(JsonElement group)
    {
        var value = group.GetProperty("sendProxy");
        return value.ValueKind == JsonValueKind.Null ? null : value.GetString();
    }
}
