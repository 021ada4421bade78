using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>The OpenAPI generator's schema machinery (Newtonsoft.Json under NJsonSchema) is loaded by the first request for the document, not by a proxy that only proxies.</summary>
public sealed class ApiDocumentLoadingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Start_NoDocumentRequested_GeneratorIsNotLoadedUntilTheFirstRequestForIt()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var server = await ServerProcess.StartProxyToAsync(alpha.EndPoint);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Ports[1]}"), Timeout = Deadline };

        // A proxied connection and a stats request: the paths every proxy takes, none of which needs the generator.
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(server.Ports[0], 2, "hello"u8.ToArray()));
        await GetAsync(http, "/api/v1/groups");
        Assert.False(LoadsGenerator(server.Id), "the generator was loaded before anything asked for the document");

        var document = await GetAsync(http, "/spec/v1/");
        Assert.StartsWith("3.", String(document, "openapi"), StringComparison.Ordinal);
        Assert.True(LoadsGenerator(server.Id), "the document was served without the generator: the check reads the wrong file");
    }

    /// <summary>Whether the process has mapped Newtonsoft.Json, which only the document's generator uses.</summary>
    private static bool LoadsGenerator(int pid) => ProcessMaps.Assemblies(pid).Contains("Newtonsoft.Json.dll");
}
