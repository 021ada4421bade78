using System.Globalization;
using System.Net;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>
/// The admin routes refuse other web pages: a foreign <c>Origin</c> (a cross-site form or fetch) or a foreign <c>Host</c>
/// (a DNS-rebound name) gets 403 and problem details with or without a token; requests without <c>Origin</c> pass.
/// </summary>
public sealed class AdminOriginTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private const string DrainPath = "/api/v1/groups/1/drain";

    private readonly NamedBackend _one = NamedBackend.ForGroup(1);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _one.DisposeAsync();

    /// <summary>Host and Origin as sent; <c>{port}</c> stands for the stats port, <c>{other}</c> for another one.</summary>
    [Theory]
    [InlineData("evil.example:{port}", null)]
    [InlineData("127.0.0.2:{port}", null)]
    [InlineData("127.0.0.1:{other}", null)]
    [InlineData("127.0.0.1", null)]
    [InlineData("localhost:{other}", null)]
    [InlineData(null, "http://evil.example")]
    [InlineData(null, "http://evil.example:{port}")]
    [InlineData(null, "null")]
    [InlineData(null, "https://127.0.0.1:{port}")]
    [InlineData(null, "http://127.0.0.1:{other}")]
    [InlineData(null, "http://127.0.0.2:{port}")]
    [InlineData("localhost:{port}", "http://evil.example")]
    public async Task AdminRoute_ForeignHostOrOrigin_Answers403WithOrWithoutToken(string? host, string? origin)
    {
        foreach (var token in new[] { null, Token })
        {
            await using var proxy = await StartAsync(IPAddress.Loopback, token);
            using var request = Request(proxy, DrainPath, host, origin, token);

            using var response = await proxy.Http.SendAsync(request);

            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, $"host {request.Headers.Host}, origin {origin}, token {token}");
            Assert.Contains(origin is null ? "Host" : "Origin", String(problem, "detail"), StringComparison.Ordinal);
            var group = await GetAsync(proxy.Http, "/api/v1/groups/1");
            Assert.Null(Nullable(group, "runtimeOverride", JsonValueKind.String));
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("localhost:{port}", null)]
    [InlineData("LocalHost:{port}", "http://localhost:{port}")]
    [InlineData(null, "http://127.0.0.1:{port}")]
    public async Task AdminRoute_OwnHostAndOrigin_IsAllowed(string? host, string? origin)
    {
        await using var proxy = await StartAsync(IPAddress.Loopback);
        using var request = Request(proxy, DrainPath, host, origin);

        using var response = await proxy.Http.SendAsync(request);

        Assert.Equal("Draining", String(await ReadOkAsync(response, $"drain with host {host}, origin {origin}"), "runtimeOverride"));
    }

    [Fact]
    public async Task ReadRoute_ForeignOrigin_IsStillOpen()
    {
        await using var proxy = await StartAsync(IPAddress.Loopback);
        using var request = Request(proxy, "/api/v1/groups", null, "http://evil.example", method: HttpMethod.Get);

        using var response = await proxy.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A wildcard stats socket is reached at any address of the host, by localhost, or by the machine's name.</summary>
    [Theory]
    [InlineData("127.0.0.1:{port}", true)]
    [InlineData("127.0.0.7:{port}", true)]
    [InlineData("localhost:{port}", true)]
    [InlineData("{machine}:{port}", true)]
    [InlineData("203.0.113.1:{port}", false)]
    [InlineData("evil.example:{port}", false)]
    public async Task AdminRoute_WildcardStatsSocket_AcceptsHostsOfThisMachineOnly(string host, bool allowed)
    {
        await using var proxy = await StartAsync(IPAddress.Any);
        using var http = ProxyHost.CreateClient(new Uri($"http://127.0.0.1:{proxy.StatsAddress.Port}/"), IPAddress.Loopback);
        using var request = Request(proxy, DrainPath, host.Replace("{machine}", Dns.GetHostName(), StringComparison.Ordinal), null);

        using var response = await http.SendAsync(request);

        if (allowed)
        {
            await ReadOkAsync(response, $"drain with host {request.Headers.Host}");
        }
        else
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, $"drain with host {request.Headers.Host}");
        }
    }

    [NonLoopbackFact]
    public async Task AdminRoute_WildcardStatsSocketOwnInterfaceAddress_IsAllowed()
    {
        var address = NonLoopbackFactAttribute.Address!;
        await using var proxy = await StartAsync(IPAddress.Any);
        using var http = ProxyHost.CreateClient(new Uri($"http://127.0.0.1:{proxy.StatsAddress.Port}/"), IPAddress.Loopback);

        // Arrives at 127.0.0.1 but names another address of this host, as a browser on the host would.
        using var request = Request(proxy, DrainPath, $"{address}:{{port}}", $"http://{address}:{{port}}");
        using var response = await http.SendAsync(request);

        await ReadOkAsync(response, $"drain with host {request.Headers.Host}");
    }

    private static HttpRequestMessage Request(ProxyHost proxy, string path, string? host, string? origin, string? token = null, HttpMethod? method = null)
    {
        var port = proxy.StatsAddress.Port;
        string Fill(string text) => text
            .Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", (port == 65535 ? port - 1 : port + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var request = new HttpRequestMessage(method ?? HttpMethod.Post, path);
        if (host is not null)
        {
            request.Headers.Host = Fill(host);
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", Fill(origin));
        }

        if (token is not null)
        {
            request.Headers.Authorization = Bearer(token);
        }

        return request;
    }

    private async Task<ProxyHost> StartAsync(IPAddress statsAddress, string? token = null)
    {
        var config = TestConfig.ForGroups([new TestGroup(1, _one.EndPoint)]);
        return await ProxyHost.StartAsync(config, new ProxyHostOptions { Environment = new TcpffeeEnvironment { ApiToken = token }, StatsAddress = statsAddress });
    }
}
