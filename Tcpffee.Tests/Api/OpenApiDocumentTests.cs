using System.Net;
using System.Text.Json;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>A proxy with one health-checked group, one client entry and one reload, so every response type can be seen live.</summary>
public sealed class OpenApiFixture : IAsyncLifetime
{
    private NamedBackend? _backend;

    internal ProxyHost Proxy { get; private set; } = null!;

    /// <summary>The OpenAPI document as served at <c>/spec/v1/openapi.json</c>.</summary>
    internal JsonElement Document { get; private set; }

    public async Task InitializeAsync()
    {
        _backend = NamedBackend.ForGroup(1);
        Proxy = await ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, _backend.EndPoint) { HealthCheck = true }]));
        NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(Proxy.EndPoint, 9));
        Document = await GetAsync(Proxy.Http, "/spec/v1/openapi.json");
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await _backend!.DisposeAsync();
    }
}

/// <summary>The OpenAPI document at <c>/spec/v1/</c> describes every route, its answers and their schemas, as the API really behaves.</summary>
public sealed class OpenApiDocumentTests : IClassFixture<OpenApiFixture>
{
    /// <summary>Every documented route: path, method, operation id, the 2xx answer's schema (null for none), and the problem answers.</summary>
    private static readonly (string Path, string Method, string OperationId, int Success, string? Schema, int[] Problems)[] Routes =
    [
        ("/api/v1", "get", "GetSummary", 200, "SummaryResponse", []),
        ("/api/v1/groups", "get", "GetGroups", 200, "GroupResponse[]", []),
        ("/api/v1/groups/{id}", "get", "GetGroup", 200, "GroupResponse", [400, 404]),
        ("/api/v1/stick-table", "get", "GetStickTable", 200, "StickTablePageResponse", [400]),
        ("/api/v1/stick-table/{key}", "get", "GetStickEntry", 200, "StickEntryResponse", [400, 404]),
        ("/api/v1/stick-table/{key}", "delete", "DeleteStickEntry", 204, null, [400, 401, 403, 404, 409, 503]),
        ("/api/v1/groups/{id}/drain", "post", "DrainGroup", 200, "GroupResponse", [400, 401, 403, 404, 503]),
        ("/api/v1/groups/{id}/disable", "post", "DisableGroup", 200, "GroupResponse", [400, 401, 403, 404, 503]),
        ("/api/v1/groups/{id}/enable", "post", "EnableGroup", 200, "GroupResponse", [400, 401, 403, 404, 503]),
        ("/api/v1/reload", "post", "Reload", 200, "ReloadResponse", [401, 403]),
        ("/api/v1/cluster", "get", "GetCluster", 200, "ClusterResponse", []),
    ];

    private readonly OpenApiFixture _fixture;

    public OpenApiDocumentTests(OpenApiFixture fixture)
    {
        _fixture = fixture;
    }

    private JsonElement Document => _fixture.Document;

    private JsonElement Schemas => Document.GetProperty("components").GetProperty("schemas");

    [Theory]
    [InlineData("/spec/v1/")]
    [InlineData("/spec/v1")]
    [InlineData("/spec/v1/openapi.json")]
    public async Task SpecDocument_EachPath_IsOpenApi3Json(string path)
    {
        var document = await GetAsync(_fixture.Proxy.Http, path);

        Assert.StartsWith("3.", String(document, "openapi"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(String(Property(document, "info", JsonValueKind.Object), "title")));
        Assert.Equal("v1", String(document.GetProperty("info"), "version"));
        Assert.Equal(Document.GetProperty("paths").ToString(), Property(document, "paths", JsonValueKind.Object).ToString());
    }

    [Fact]
    public void SpecDocument_Paths_ListEveryRouteWithExactlyItsMethods()
    {
        var paths = Property(Document, "paths", JsonValueKind.Object);
        var expected = Routes.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Select(r => r.Method).Order().ToList());

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), Names(paths));
        foreach (var (path, methods) in expected)
        {
            Assert.Equal(methods, Names(paths.GetProperty(path)));
        }
    }

    [Fact]
    public void SpecDocument_OperationIds_AreUniqueAndNameEachRoute()
    {
        var ids = Operations().Select(o => String(o.Operation, "operationId")).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Routes.Select(r => r.OperationId).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        foreach (var route in Routes)
        {
            Assert.Equal(route.OperationId, String(Operation(route.Path, route.Method), "operationId"));
        }
    }

    [Fact]
    public void SpecDocument_SuccessResponses_ReferenceComponentSchemas()
    {
        foreach (var route in Routes)
        {
            var responses = Property(Operation(route.Path, route.Method), "responses", JsonValueKind.Object);
            var success = Property(responses, route.Success.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonValueKind.Object);
            if (route.Schema is null)
            {
                Assert.False(success.TryGetProperty("content", out var content) && content.EnumerateObject().Any(), $"{route.OperationId}: {route.Success} has a body");
                continue;
            }

            var schema = Property(Property(Property(success, "content", JsonValueKind.Object), "application/json", JsonValueKind.Object), "schema", JsonValueKind.Object);
            if (route.Schema.EndsWith("[]", StringComparison.Ordinal))
            {
                Assert.Equal("array", String(schema, "type"));
                schema = Property(schema, "items", JsonValueKind.Object);
            }

            var name = route.Schema.TrimEnd('[', ']');
            Assert.Equal($"#/components/schemas/{name}", String(schema, "$ref"));
            Assert.True(Schemas.TryGetProperty(name, out _), $"{route.OperationId}: no component schema {name}");
        }
    }

    [Fact]
    public void SpecDocument_ProblemResponses_AreDocumentedWhereTheRouteAnswersThem()
    {
        foreach (var route in Routes)
        {
            var responses = Property(Operation(route.Path, route.Method), "responses", JsonValueKind.Object);
            var problems = Names(responses).Where(c => c.StartsWith('4') || c.StartsWith('5')).ToList();
            Assert.Equal(route.Problems.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), problems);
            foreach (var code in problems)
            {
                var content = Property(responses.GetProperty(code), "content", JsonValueKind.Object);
                var schema = Assert.Single(content.EnumerateObject()).Value.GetProperty("schema");
                Assert.Equal("#/components/schemas/ProblemDetails", String(schema, "$ref"));
            }
        }

        var problem = Property(Schemas.GetProperty("ProblemDetails"), "properties", JsonValueKind.Object);
        Assert.Subset(Names(problem).ToHashSet(), new HashSet<string> { "detail", "status", "title", "type" });
    }

    [Fact]
    public void SpecDocument_ProblemResponses_UseTheProblemJsonMediaType()
    {
        foreach (var route in Routes)
        {
            var responses = Operation(route.Path, route.Method).GetProperty("responses");
            foreach (var code in route.Problems)
            {
                var content = responses.GetProperty(code.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetProperty("content");
                Assert.True(
                    content.TryGetProperty("application/problem+json", out _),
                    $"{route.OperationId} {code}: documented as {string.Join(", ", Names(content))}");
            }
        }
    }

    [Fact]
    public void SpecDocument_Operations_CarryTheirRouteSummaries()
    {
        foreach (var (path, method, operation) in Operations())
        {
            Assert.False(string.IsNullOrWhiteSpace(String(operation, "summary")), $"{method} {path} has an empty summary");
        }

        Assert.Equal("The proxy at a glance", String(Operation("/api/v1", "get"), "summary"));
        Assert.Equal("Drain a group until /enable (admin)", String(Operation("/api/v1/groups/{id}/drain", "post"), "summary"));
    }

    [Fact]
    public void SpecDocument_GroupIdsAndPaging_AreIntegerParametersWithTheirBounds()
    {
        var expected = new (string Path, string Method, string Name, string In, bool Required, int Minimum, int? Maximum, int? Default)[]
        {
            ("/api/v1/groups/{id}", "get", "id", "path", true, 0, null, null),
            ("/api/v1/groups/{id}/drain", "post", "id", "path", true, 0, null, null),
            ("/api/v1/groups/{id}/disable", "post", "id", "path", true, 0, null, null),
            ("/api/v1/groups/{id}/enable", "post", "id", "path", true, 0, null, null),
            ("/api/v1/stick-table", "get", "group", "query", false, 0, null, null),
            ("/api/v1/stick-table", "get", "limit", "query", false, 1, 10_000, 100),
            ("/api/v1/stick-table", "get", "offset", "query", false, 0, null, 0),
        };
        foreach (var p in expected)
        {
            var parameter = Assert.Single(
                Property(Operation(p.Path, p.Method), "parameters", JsonValueKind.Array).EnumerateArray(), e => String(e, "name") == p.Name);
            var what = $"{p.Method} {p.Path} {p.Name}: {parameter}";
            Assert.True(String(parameter, "in") == p.In, what);
            Assert.True((parameter.TryGetProperty("required", out var required) && required.GetBoolean()) == p.Required, what);
            Assert.False(string.IsNullOrWhiteSpace(String(parameter, "description")), what);
            var schema = Property(parameter, "schema", JsonValueKind.Object);
            Assert.True(String(schema, "type") == "integer" && String(schema, "format") == "int32", what);
            Assert.True(Property(schema, "minimum", JsonValueKind.Number).GetDouble() == p.Minimum, what);
            Assert.True((schema.TryGetProperty("maximum", out var maximum) ? maximum.GetDouble() : (double?)null) == p.Maximum, what);
            Assert.True((schema.TryGetProperty("default", out var fallback) ? fallback.GetDouble() : (double?)null) == p.Default, what);
        }
    }

    [Fact]
    public async Task SpecDocument_Schemas_NameExactlyTheFieldsTheApiSends()
    {
        var http = _fixture.Proxy.Http;
        await Eventually.UntilAsync(
            () => GetAsync(http, "/api/v1/groups/1"),
            g => g.GetProperty("healthChecks")[0].GetProperty("lastPassed").ValueKind == JsonValueKind.True,
            "the health check to run once");
        var summary = await GetAsync(http, "/api/v1/");
        var group = await GetAsync(http, "/api/v1/groups/1");
        var page = await GetAsync(http, "/api/v1/stick-table");
        var reload = await PostAsync(http, "/api/v1/reload");

        AssertSchemaMatches("SummaryResponse", summary);
        AssertSchemaMatches("TotalsResponse", summary.GetProperty("totals"));
        AssertSchemaMatches("GroupResponse", group);
        AssertSchemaMatches("PortmapEntryResponse", group.GetProperty("portmap")[0]);
        AssertSchemaMatches("HealthCheckResponse", group.GetProperty("healthChecks")[0]);
        AssertSchemaMatches("StickTablePageResponse", page);
        AssertSchemaMatches("StickEntryResponse", page.GetProperty("entries")[0]);
        AssertSchemaMatches("ClusterResponse", await GetAsync(http, "/api/v1/cluster"));
        AssertSchemaMatches("ReloadResponse", reload);
    }

    [Fact]
    public async Task SpecDocument_EveryGetPath_AnswersWithADocumentedStatus()
    {
        foreach (var route in Routes.Where(r => r.Method == "get"))
        {
            var path = route.Path.Replace("{id}", "1", StringComparison.Ordinal).Replace("{key}", "127.0.0.9", StringComparison.Ordinal);
            using var response = await _fixture.Proxy.Http.GetAsync(path);
            var documented = Names(Operation(route.Path, route.Method).GetProperty("responses"));
            Assert.True(
                documented.Contains(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                $"GET {path} answered {(int)response.StatusCode}; documented: {string.Join(", ", documented)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private void AssertSchemaMatches(string schemaName, JsonElement live)
    {
        var schema = Property(Schemas, schemaName, JsonValueKind.Object);
        var properties = Property(schema, "properties", JsonValueKind.Object);
        Assert.True(Names(properties).SequenceEqual(Names(live)), $"{schemaName}: the schema names [{string.Join(", ", Names(properties))}], the API sent [{string.Join(", ", Names(live))}]");
        foreach (var property in live.EnumerateObject())
        {
            var declared = properties.GetProperty(property.Name);
            var nullable = declared.TryGetProperty("nullable", out var n) && n.GetBoolean();
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                Assert.True(nullable, $"{schemaName}.{property.Name} is null but not declared nullable: {declared}");
                continue;
            }

            if (declared.TryGetProperty("type", out var type))
            {
                var expected = type.GetString() switch
                {
                    "string" => JsonValueKind.String,
                    "integer" or "number" => JsonValueKind.Number,
                    "boolean" => property.Value.ValueKind == JsonValueKind.False ? JsonValueKind.False : JsonValueKind.True,
                    "array" => JsonValueKind.Array,
                    "object" => JsonValueKind.Object,
                    var other => throw new InvalidOperationException($"unexpected schema type {other}"),
                };
                Assert.True(expected == property.Value.ValueKind, $"{schemaName}.{property.Name} is declared {type} but the API sent {property.Value}");
            }
        }
    }

    private JsonElement Operation(string path, string method) =>
        Property(Property(Property(Document, "paths", JsonValueKind.Object), path, JsonValueKind.Object), method, JsonValueKind.Object);

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        Document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name, m.Value)));
}
