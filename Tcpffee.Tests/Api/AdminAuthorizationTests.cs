using System.Net;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>
/// The admin routes (POST and DELETE): with TCPFFEE_API_TOKEN set they need the bearer token, without it only loopback
/// clients may use them; the read routes stay open either way.
/// </summary>
public sealed class AdminAuthorizationTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";

    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);

    /// <summary>Every admin route, as method and path.</summary>
    private static readonly (string Method, string Path)[] AdminRouteList =
    [
        ("POST", "/api/v1/groups/1/drain"),
        ("POST", "/api/v1/groups/1/disable"),
        ("POST", "/api/v1/groups/1/enable"),
        ("DELETE", "/api/v1/stick-table/127.0.0.9"),
        ("POST", "/api/v1/reload"),
    ];

    private static readonly string[] ReadRouteList =
    [
        "/api/v1/", "/api/v1/groups", "/api/v1/groups/1", "/api/v1/stick-table", "/api/v1/stick-table/127.0.0.9", "/api/v1/cluster",
        "/spec/v1/", "/spec/v1/openapi.json", "/ui/v1/", "/metrics", "/healthz",
    ];

    public static TheoryData<string, string> AdminRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (var (method, path) in AdminRouteList)
        {
            data.Add(method, path);
        }

        return data;
    }

    public static TheoryData<string> ReadRoutes() => new(ReadRouteList);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task AdminRoutes_NoTokenLoopbackClient_AreAllowed()
    {
        await using var proxy = await StartAsync();
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));

        var drained = await PostAsync(proxy.Http, "/api/v1/groups/1/drain");
        Assert.Equal("Draining", String(drained, "runtimeOverride"));
        var disabled = await PostAsync(proxy.Http, "/api/v1/groups/1/disable");
        Assert.Equal("Disabled", String(disabled, "runtimeOverride"));
        var enabled = await PostAsync(proxy.Http, "/api/v1/groups/1/enable");
        Assert.Null(Nullable(enabled, "runtimeOverride", JsonValueKind.String));
        using (var response = await proxy.Http.DeleteAsync("/api/v1/stick-table/127.0.0.9"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var reload = await PostAsync(proxy.Http, "/api/v1/reload");
        Property(reload, "applied", JsonValueKind.True);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task AdminRoute_TokenSetNoAuthorization_Answers401WithBearerChallenge(string method, string path)
    {
        await using var proxy = await StartAsync(Token);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));

        using var response = await proxy.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, $"{method} {path} without a token");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        await AssertNothingChangedAsync(proxy);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task AdminRoute_TokenSetOtherScheme_Answers401(string method, string path)
    {
        await using var proxy = await StartAsync(Token);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:s3cret-token"u8));

        using var response = await proxy.Http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, $"{method} {path} with Basic");
        await AssertNothingChangedAsync(proxy);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task AdminRoute_TokenSetWrongToken_Answers403(string method, string path)
    {
        await using var proxy = await StartAsync(Token);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));

        foreach (var wrong in new[] { "wrong", Token + "x", Token[..^1], Token.ToUpperInvariant() })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Authorization = Bearer(wrong);
            using var response = await proxy.Http.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, $"{method} {path} with token '{wrong}'");
        }

        await AssertNothingChangedAsync(proxy);
    }

    [Fact]
    public async Task AdminRoutes_TokenSetRightToken_AreAllowed()
    {
        await using var proxy = await StartAsync(Token);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));
        proxy.Http.DefaultRequestHeaders.Authorization = Bearer(Token);

        Assert.Equal("Draining", String(await PostAsync(proxy.Http, "/api/v1/groups/1/drain"), "runtimeOverride"));
        Assert.Equal("Disabled", String(await PostAsync(proxy.Http, "/api/v1/groups/1/disable"), "runtimeOverride"));
        Assert.Null(Nullable(await PostAsync(proxy.Http, "/api/v1/groups/1/enable"), "runtimeOverride", JsonValueKind.String));
        using (var response = await proxy.Http.DeleteAsync("/api/v1/stick-table/127.0.0.9"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Property(await PostAsync(proxy.Http, "/api/v1/reload"), "applied", JsonValueKind.True);
    }

    [Theory]
    [MemberData(nameof(ReadRoutes))]
    public async Task ReadRoute_TokenSetNoAuthorization_IsOpen(string path)
    {
        await using var proxy = await StartAsync(Token);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));

        using var response = await proxy.Http.GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [NonLoopbackFact]
    public async Task AdminRoutes_NoTokenNonLoopbackClient_Answer403ButReadRoutesAreOpen()
    {
        var address = NonLoopbackFactAttribute.Address!;
        await using var proxy = await StartAsync(statsAddress: address);
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 9));
        Assert.Equal(address, IPAddress.Parse(proxy.StatsAddress.Host));

        foreach (var (method, path) in AdminRouteList)
        {
            using var response = await proxy.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, $"{method} {path} from {address}");
        }

        await AssertNothingChangedAsync(proxy);
        foreach (var path in ReadRouteList)
        {
            using var response = await proxy.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} from {address}: {(int)response.StatusCode}");
        }
    }

    [NonLoopbackFact]
    public async Task AdminRoute_TokenSetNonLoopbackClientRightToken_IsAllowed()
    {
        var address = NonLoopbackFactAttribute.Address!;
        await using var proxy = await StartAsync(Token, address);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/groups/2/drain"))
        using (var response = await proxy.Http.SendAsync(request))
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, $"drain from {address} without a token");
        }

        proxy.Http.DefaultRequestHeaders.Authorization = Bearer(Token);
        Assert.Equal("Draining", String(await PostAsync(proxy.Http, "/api/v1/groups/2/drain"), "runtimeOverride"));
    }

    /// <summary>A refused request must not have reached its handler: no override, the entry still there, no reload.</summary>
    private static async Task AssertNothingChangedAsync(ProxyHost proxy)
    {
        var group = await GetAsync(proxy.Http, "/api/v1/groups/1");
        Assert.Null(Nullable(group, "runtimeOverride", JsonValueKind.String));
        Assert.Equal("Up", String(group, "effectiveState"));
        Assert.Equal(1, Number(await GetAsync(proxy.Http, "/api/v1/stick-table"), "total"));
        Assert.Null(Nullable(await GetAsync(proxy.Http, "/api/v1/"), "lastReload", JsonValueKind.Object));
    }

    private async Task<ProxyHost> StartAsync(string? token = null, IPAddress? statsAddress = null)
    {
        var groups = new[] { new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint) };
        var config = TestConfig.ForGroups(groups);
        var proxy = await ProxyHost.StartAsync(config, new ProxyHostOptions { Environment = new TcpffeeEnvironment { ApiToken = token }, StatsAddress = statsAddress ?? IPAddress.Loopback });

        // The reload route reads this file: a valid configuration, so an allowed reload is applied.
        await File.WriteAllTextAsync(proxy.Environment.ConfigPath, TestConfig.Toml(FreePorts.Next(), groups));
        return proxy;
    }
}
