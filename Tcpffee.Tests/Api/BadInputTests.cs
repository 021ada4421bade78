using System.Net;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>A proxy with groups 1 and 2 and one stick entry (127.0.0.9), for requests that must be refused.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    private NamedBackend? _one;
    private NamedBackend? _two;

    internal ProxyHost Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _one = NamedBackend.ForGroup(1);
        _two = NamedBackend.ForGroup(2);
        Proxy = await ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)]));
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(Proxy.EndPoint, 9));
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await _one!.DisposeAsync();
        await _two!.DisposeAsync();
    }
}

/// <summary>Bad input gets 400 or 404 with a problem-details body (RFC 9457), never a 500, and changes nothing.</summary>
public sealed class BadInputTests : IClassFixture<BadInputFixture>
{
    private static readonly string TooLongSlice = "127.0.0.1%7C" + new string('a', 1025);

    private readonly BadInputFixture _fixture;

    public BadInputTests(BadInputFixture fixture)
    {
        _fixture = fixture;
    }

    private HttpClient Http => _fixture.Proxy.Http;

    [Theory]
    [InlineData("GET", "/api/v1/groups/99", 404)]
    [InlineData("GET", "/api/v1/groups/abc", 400)]
    [InlineData("GET", "/api/v1/groups/-1", 400)]
    [InlineData("GET", "/api/v1/groups/+1", 400)]
    [InlineData("GET", "/api/v1/groups/1.5", 400)]
    [InlineData("GET", "/api/v1/groups/99999999999", 400)]
    [InlineData("GET", "/api/v1/stick-table?limit=0", 400)]
    [InlineData("GET", "/api/v1/stick-table?limit=10001", 400)]
    [InlineData("GET", "/api/v1/stick-table?limit=-5", 400)]
    [InlineData("GET", "/api/v1/stick-table?offset=-1", 400)]
    [InlineData("GET", "/api/v1/stick-table?limit=0&offset=-1", 400)]
    [InlineData("GET", "/api/v1/stick-table?group=abc", 400)]
    [InlineData("GET", "/api/v1/stick-table?group=-1", 400)]
    [InlineData("GET", "/api/v1/stick-table/not-an-ip", 400)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.300", 400)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.1%7Cab%5Cx4", 400)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.1%7Cab%5Cxzz", 400)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.1%7C%C3%A9", 400)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.99", 404)]
    [InlineData("GET", "/api/v1/stick-table/%3A%3A1", 404)]
    [InlineData("GET", "/api/v1/stick-table/127.0.0.9%7Cab", 404)]
    [InlineData("DELETE", "/api/v1/stick-table/not-an-ip", 400)]
    [InlineData("DELETE", "/api/v1/stick-table/127.0.0.99", 404)]
    [InlineData("POST", "/api/v1/groups/99/drain", 404)]
    [InlineData("POST", "/api/v1/groups/99/disable", 404)]
    [InlineData("POST", "/api/v1/groups/99/enable", 404)]
    [InlineData("POST", "/api/v1/groups/abc/drain", 400)]
    [InlineData("POST", "/api/v1/groups/-2/disable", 400)]
    [InlineData("POST", "/api/v1/groups/1x/enable", 400)]
    public async Task Route_BadInput_AnswersProblemDetails(string method, string path, int status)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await AssertProblemAsync(response, (HttpStatusCode)status, $"{method} {path}");
        Assert.Equal(status == 400 ? "Bad Request" : "Not Found", String(problem, "title"));
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task StickEntry_SliceLongerThanAKeyCanHold_AnswersProblemDetails()
    {
        using var response = await Http.GetAsync("/api/v1/stick-table/" + TooLongSlice);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "GET a key with a 1025-byte slice");
    }

    [Theory]
    [InlineData("/api/v1/stick-table?limit=1", 1, 0)]
    [InlineData("/api/v1/stick-table?limit=10000", 10000, 0)]
    [InlineData("/api/v1/stick-table?offset=0", 100, 0)]
    [InlineData("/api/v1/stick-table?offset=2147483647", 100, 2147483647)]
    [InlineData("/api/v1/stick-table?group=7", 100, 0)]
    public async Task StickTable_PagingAtItsBounds_IsAccepted(string path, int limit, int offset)
    {
        var page = await GetAsync(Http, path);

        Assert.Equal(limit, Number(page, "limit"));
        Assert.Equal(offset, Number(page, "offset"));
    }

    [Theory]
    [InlineData("/api/v1/stick-table?limit=abc")]
    [InlineData("/api/v1/stick-table?offset=1.5")]
    [InlineData("/api/v1/stick-table?limit=99999999999")]
    public async Task StickTable_PagingNotANumber_AnswersProblemDetails(string path)
    {
        using var response = await Http.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, $"GET {path}");
    }

    [Theory]
    [InlineData("/api/v1/stick-table?limit=abc")]
    [InlineData("/api/v1/stick-table?offset=1.5")]
    [InlineData("/api/v1/stick-table?limit=99999999999")]
    public async Task StickTable_PagingNotANumber_IsRefusedWith400NotA500(string path)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>None of the refused requests reached a handler that changes state.</summary>
    private async Task AssertNothingChangedAsync()
    {
        foreach (var group in (await GetAsync(Http, "/api/v1/groups")).EnumerateArray())
        {
            Assert.Equal("Up", String(group, "effectiveState"));
        }

        Assert.Equal(1, Number(await GetAsync(Http, "/api/v1/stick-table"), "total"));
    }
}
