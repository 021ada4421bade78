using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tcpffee.Tests.Api.Support;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>The interactive UI at <c>/ui/v1/</c> is served whole by the proxy itself, assets included, and points at the document.</summary>
public sealed partial class SwaggerUiTests : IClassFixture<OpenApiFixture>
{
    private readonly OpenApiFixture _fixture;

    public SwaggerUiTests(OpenApiFixture fixture)
    {
        _fixture = fixture;
    }

    private HttpClient Http => _fixture.Proxy.Http;

    [Fact]
    public async Task Ui_Root_RedirectsToTheIndexPage()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = _fixture.Proxy.StatsAddress, Timeout = TimeSpan.FromSeconds(20) };

        using var response = await client.GetAsync("/ui/v1/");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = new Uri(_fixture.Proxy.StatsAddress, response.Headers.Location!);
        Assert.Equal("/ui/v1/index.html", location.AbsolutePath);
    }

    [Fact]
    public async Task Ui_Page_IsHtmlThatLoadsSwaggerUiAndTheDocument()
    {
        var (page, html) = await GetPageAsync();

        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);
        Assert.Contains("SwaggerUIBundle(", html, StringComparison.Ordinal);
        var urls = UrlsPattern().Match(html);
        Assert.True(urls.Success, $"no 'var urls = [...]' in the page:{Environment.NewLine}{html}");
        var documents = Parse(urls.Groups[1].Value).EnumerateArray().Select(u => String(u, "url")).ToList();
        var document = Assert.Single(documents);
        Assert.Equal("/spec/v1/openapi.json", document);
        var spec = await GetAsync(Http, new Uri(page, document).PathAndQuery);
        Assert.StartsWith("3.", String(spec, "openapi"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ui_Page_EveryScriptAndStylesheetIsServedByTheProxyItself()
    {
        var (page, html) = await GetPageAsync();
        var scripts = ScriptPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        var stylesheets = StylesheetPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains(scripts, s => s.EndsWith("swagger-ui-bundle.js", StringComparison.Ordinal));
        Assert.Contains(stylesheets, s => s.EndsWith("swagger-ui.css", StringComparison.Ordinal));
        foreach (var asset in scripts.Concat(stylesheets))
        {
            var url = new Uri(page, asset);
            Assert.True(url.Authority == page.Authority, $"{asset} is not served by the proxy (no CDN): {url}");
            using var response = await Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}");
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(body.Length > 100, $"{url} is only {body.Length} bytes");
            var type = response.Content.Headers.ContentType?.MediaType;
            Assert.Equal(asset.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", type);
        }
    }

    private async Task<(Uri Page, string Html)> GetPageAsync()
    {
        using var response = await Http.GetAsync("/ui/v1/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (response.RequestMessage!.RequestUri!, html);
    }

    [GeneratedRegex(@"<script[^>]*\ssrc=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptPattern();

    [GeneratedRegex(@"<link[^>]*rel=""stylesheet""[^>]*\shref=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex StylesheetPattern();

    [GeneratedRegex(@"var urls = (\[.*?\]);")]
    private static partial Regex UrlsPattern();
}
