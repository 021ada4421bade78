using System.Net;
using System.Text;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Hosting;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>
/// The OpenAPI document served by a real proxy (two groups, each with a real backend), and the C# client that NSwag
/// generates from it, compiled in memory: once for the whole class, since generating and compiling take seconds.
/// </summary>
public sealed class GeneratedClientFixture : IAsyncLifetime
{
    internal const string ApiDocumentPath = "/spec/v1/openapi.json";

    private GeneratedApiClient? _client;

    internal GeneratedApiClient Client => _client!;

    /// <summary>The document as served at <c>/spec/v1/openapi.json</c>.</summary>
    internal JsonElement Document { get; private set; }

    /// <summary>The stats endpoint the document was fetched from.</summary>
    internal Uri SpecSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using var one = NamedBackend.ForGroup(1);
        await using var two = NamedBackend.ForGroup(2);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, one.EndPoint), new TestGroup(2, two.EndPoint)]));
        using var response = await proxy.Http.GetAsync(ApiDocumentPath);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {ApiDocumentPath}: {(int)response.StatusCode} {json}");
        SpecSource = proxy.StatsAddress;
        Document = Parse(json);
        _client = await GeneratedApiClient.GenerateAsync(json);
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A client generated with NSwag from <c>/spec/v1/openapi.json</c> compiles and works against a running proxy for every
/// route of the API: the values it deserializes are the proxy's real state, and error answers come back as the
/// generated exception carrying the problem details the document declares.
/// </summary>
public sealed class GeneratedClientTests : IClassFixture<GeneratedClientFixture>, IAsyncLifetime, IDisposable
{
    private const string Token = "s3cret-token";

    /// <summary>The parameters each operation's generated method takes (without the cancellation token).</summary>
    private static readonly (string Operation, Type[] Parameters)[] Signatures =
    [
        ("GetSummary", []),
        ("GetGroups", []),
        ("GetGroup", [typeof(int)]),
        ("GetStickTable", [typeof(int?), typeof(int?), typeof(int?)]),
        ("GetStickEntry", [typeof(string)]),
        ("DeleteStickEntry", [typeof(string)]),
        ("DrainGroup", [typeof(int)]),
        ("DisableGroup", [typeof(int)]),
        ("EnableGroup", [typeof(int)]),
        ("Reload", []),
        ("GetCluster", []),
    ];

    private readonly GeneratedClientFixture _fixture;
    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);
    private readonly TempDirectory _directory = new();

    public GeneratedClientTests(GeneratedClientFixture fixture)
    {
        _fixture = fixture;
    }

    private GeneratedApiClient Generated => _fixture.Client;

    private string ConfigPath => _directory.Combine("tcpffee.toml");

    private TestGroup[] Groups => [new TestGroup(1, _one.EndPoint) { HealthCheck = true }, new TestGroup(2, _two.EndPoint)];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void GeneratedClient_EveryOperation_IsAMethodWithTypedParametersReturningItsDocumentedType()
    {
        var operations = _fixture.Document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => m.Value)).ToList();
        Assert.Equal(Signatures.Length, operations.Count);
        foreach (var operation in operations)
        {
            var id = String(operation, "operationId");
            var method = Generated.ClientType.GetMethods().SingleOrDefault(m => m.Name == id + "Async" && m.GetParameters().All(p => p.ParameterType != typeof(CancellationToken)));
            Assert.True(method is not null, $"the generated client has no method for {id}");

            var responses = operation.GetProperty("responses");
            var success = responses.EnumerateObject().Single(r => r.Name.StartsWith('2'));
            Assert.Equal(success.Value.TryGetProperty("content", out var content) ? typeof(Task<>).MakeGenericType(ExpectedType(content)) : typeof(Task), method.ReturnType);
        }

        // Group ids and paging numbers are integers in the document, so the client takes them as numbers.
        foreach (var (operation, parameters) in Signatures)
        {
            var method = Generated.ClientType.GetMethod(operation + "Async", parameters);
            Assert.True(method is not null, $"{operation}Async({string.Join(", ", parameters.Select(p => p.ToString()))}) is not in the generated client:"
                + Environment.NewLine + string.Join(Environment.NewLine, Generated.ClientType.GetMethods().Where(m => m.Name == operation + "Async")));
        }

        // The document names the server it was fetched from, so a generated client needs no base URL of its own.
        using var http = new HttpClient();
        Assert.Equal(_fixture.SpecSource.ToString(), (string)Generated.Create(http).BaseUrl);
    }

    [Fact]
    public async Task GetSummary_GeneratedClient_ReadsVersionPortsConfigAndTheTotalsOfARealConnection()
    {
        await using var run = await StartAsync();
        var payload = Encoding.ASCII.GetBytes("hello");
        var group = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(run.Proxy.EndPoint, 9, payload));
        var banner = (group == 1 ? _one : _two).Banner.Length;

        var summary = await PollAsync(
            async () => await run.Api.GetSummaryAsync(),
            s => s.Totals.OpenConnections == 0 && s.Totals.BytesUp == payload.Length && s.Totals.BytesDown == banner + payload.Length,
            "the connection's bytes in the totals");

        Assert.Equal(TcpffeeHost.Version, (string)summary.Version);
        Assert.Equal(Environment.MachineName, (string)summary.Node);
        Assert.Equal(ConfigPath, (string)summary.ConfigPath);
        Assert.Equal([run.Port], (ICollection<int>)summary.Ports);
        Assert.InRange((DateTimeOffset)summary.StartedAt, run.StartedAfter, DateTimeOffset.UtcNow);
        Assert.True((double)summary.UptimeSeconds >= 0, $"uptime {summary.UptimeSeconds}");
        Assert.Equal(1L, (long)summary.Totals.Accepted);
        Assert.Equal(0L, (long)summary.Totals.Rejected);
        Assert.Equal(1, (int)summary.StickTableEntries);
        Assert.Equal("single node", (string)summary.ClusterRole);
        Assert.Null((object?)summary.LastReload);
    }

    [Fact]
    public async Task GetGroups_GeneratedClient_ReadsBothGroupsWithPortmapStatesHealthCheckAndTraffic()
    {
        await using var run = await StartAsync();
        var taken = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(run.Proxy.EndPoint, 9));

        List<dynamic> groups = Items(await PollAsync(
            async () => await run.Api.GetGroupsAsync(),
            gs => HealthCheckPassed(Group(gs, 1)) && Group(gs, taken).OpenConnections == 0,
            "the health check to pass once and the connection to end"));

        Assert.Equal([1, 2], groups.Select(g => (int)g.Id));
        foreach (var group in groups)
        {
            var id = (int)group.Id;
            var portmap = Assert.Single(Items(group.Portmap));
            Assert.Equal(run.Port, (int)portmap.Port);
            Assert.Equal((id == 1 ? _one : _two).EndPoint.ToString(), (string)portmap.Backend);
            Assert.Equal("Up", (string)group.ConfiguredState);
            Assert.Null((string?)group.RuntimeOverride);
            Assert.Equal("Up", (string)group.HealthState);
            Assert.Equal("Up", (string)group.EffectiveState);
            Assert.Null((bool?)group.Drained);
            Assert.False((bool)group.Transparent);
            Assert.Null((string?)group.SendProxy);
            Assert.Equal(id == taken ? 1 : 0, (int)group.StickEntries);
            Assert.Equal(id == taken ? 1L : 0L, (long)group.TotalConnections);
            Assert.Equal(0L, (long)group.OpenConnections);
            Assert.Equal(id == taken ? (id == 1 ? _one : _two).Banner.Length : 0L, (long)group.BytesDown);
        }

        var check = Assert.Single(Items(groups[0].HealthChecks));
        Assert.Equal(0, (int)check.Index);
        Assert.Equal("tcp", (string)check.Kind);
        Assert.Equal([_one.EndPoint.ToString()], (ICollection<string>)check.Targets);
        Assert.Equal("Draining", (string)check.FallAction);
        Assert.True((bool)check.Up);
        Assert.True((int)check.ConsecutivePasses >= 1, $"{check.ConsecutivePasses} passes");
        Assert.InRange((DateTimeOffset)check.LastResultAt, run.StartedAfter, DateTimeOffset.UtcNow);
        Assert.Empty(Items(groups[1].HealthChecks));

        var one = await run.Api.GetGroupAsync(taken);
        Assert.Equal(taken, (int)one.Id);
        Assert.Equal(1, (int)one.StickEntries);
        Assert.Equal((taken == 1 ? _one : _two).EndPoint.ToString(), (string)Assert.Single(Items(one.Portmap)).Backend);
    }

    [Fact]
    public async Task GetGroup_UnknownGroup_ThrowsTheGeneratedExceptionWithProblemDetails404()
    {
        await using var run = await StartAsync();

        var error = await Generated.ExpectErrorAsync(() => run.Api.GetGroupAsync(99), 404, "GET group 99");

        AssertProblem(error, 404, "there is no group 99");
        Assert.Equal("Not Found", (string)error.Result.Title);
    }

    [Fact]
    public async Task GetStickEntry_NotAKey_ThrowsTheGeneratedExceptionWithProblemDetails400()
    {
        await using var run = await StartAsync();

        var badKey = await Generated.ExpectErrorAsync(() => run.Api.GetStickEntryAsync("not-a-key"), 400, "GET entry not-a-key");
        var badLimit = await Generated.ExpectErrorAsync(() => run.Api.GetStickTableAsync(null, 0, null), 400, "GET stick table with limit 0");

        AssertProblem(badKey, 400, "'not-a-key' is not a key");
        AssertProblem(badLimit, 400, "limit must be between 1 and 10000");
    }

    [Fact]
    public async Task StickTable_GeneratedClient_PagesFiltersAndFindsTheEntryOfAnOpenConnection()
    {
        await using var run = await StartAsync();
        await using var connection = await TestClient.OpenNamedAsync(run.Proxy.EndPoint, 9);
        var other = NamedBackend.GroupOf(connection.Greeting!) == 1 ? 2 : 1;

        var page = await run.Api.GetStickTableAsync(null, null, null);
        Assert.Equal(1, (int)page.Total);
        Assert.Equal(0, (int)page.Offset);
        Assert.Equal(100, (int)page.Limit);
        var listed = Assert.Single(Items(page.Entries));
        AssertOpenEntry(listed, NamedBackend.GroupOf(connection.Greeting!));

        var filtered = await run.Api.GetStickTableAsync(NamedBackend.GroupOf(connection.Greeting!), 1, 0);
        Assert.Equal(1, (int)filtered.Total);
        Assert.Equal(1, (int)filtered.Limit);
        Assert.Equal("127.0.0.9", (string)Assert.Single(Items(filtered.Entries)).Key);
        var empty = await run.Api.GetStickTableAsync(other, null, null);
        Assert.Equal(0, (int)empty.Total);
        Assert.Empty(Items(empty.Entries));
        var past = await run.Api.GetStickTableAsync(null, null, 1);
        Assert.Equal(1, (int)past.Total);
        Assert.Equal(1, (int)past.Offset);
        Assert.Empty(Items(past.Entries));

        AssertOpenEntry(await run.Api.GetStickEntryAsync("127.0.0.9"), NamedBackend.GroupOf(connection.Greeting!));
    }

    [Fact]
    public async Task DeleteStickEntry_GeneratedClient_Needs401TokenThenConflicts409WhileOpenThenForgetsTheIdleEntry()
    {
        await using var run = await StartAsync();
        var connection = await TestClient.OpenNamedAsync(run.Proxy.EndPoint, 9);
        try
        {
            var unauthorized = await Generated.ExpectErrorAsync(() => run.Api.DeleteStickEntryAsync("127.0.0.9"), 401, "DELETE without a token");
            AssertProblem(unauthorized, 401, "Authorization: Bearer");

            var conflict = await Generated.ExpectErrorAsync(() => run.Admin.DeleteStickEntryAsync("127.0.0.9"), 409, "DELETE an entry with an open connection");
            AssertProblem(conflict, 409, "has open connections");
            Assert.Equal(1, (int)(await run.Api.GetStickEntryAsync("127.0.0.9")).OpenConnections);
        }
        finally
        {
            await connection.DisposeAsync();
        }

        var idle = await PollAsync(
            async () => await run.Api.GetStickEntryAsync("127.0.0.9"), e => e.OpenConnections == 0, "the entry to be idle");
        Assert.NotNull((DateTimeOffset?)idle.LastActivity);
        Assert.Equal(TimeSpan.FromSeconds(60), (DateTimeOffset)idle.ExpiresAt - (DateTimeOffset)idle.LastActivity);

        await run.Admin.DeleteStickEntryAsync("127.0.0.9");

        var gone = await Generated.ExpectErrorAsync(() => run.Api.GetStickEntryAsync("127.0.0.9"), 404, "GET a forgotten entry");
        AssertProblem(gone, 404, "no live entry for key 127.0.0.9");
        var again = await Generated.ExpectErrorAsync(() => run.Admin.DeleteStickEntryAsync("127.0.0.9"), 404, "DELETE a forgotten entry");
        AssertProblem(again, 404, "no live entry");
        Assert.Equal(0, (int)(await run.Api.GetStickTableAsync(null, null, null)).Total);
    }

    [Fact]
    public async Task DrainDisableEnable_GeneratedClientWithBearerToken_SetAndClearTheGroupsOverride()
    {
        await using var run = await StartAsync();
        using var wrongHttp = ProxyHost.CreateClient(run.Proxy.StatsAddress, IPAddress.Loopback);
        wrongHttp.DefaultRequestHeaders.Authorization = Bearer("not-the-token");
        var wrong = Generated.Create(run.Proxy.StatsAddress, wrongHttp);

        AssertProblem(await Generated.ExpectErrorAsync(() => run.Api.DrainGroupAsync(2), 401, "drain without a token"), 401, "Authorization: Bearer");
        AssertProblem(await Generated.ExpectErrorAsync(() => wrong.DisableGroupAsync(2), 403, "disable with a wrong token"), 403, "not the one in TCPFFEE_API_TOKEN");
        AssertProblem(await Generated.ExpectErrorAsync(() => run.Admin.DrainGroupAsync(99), 404, "drain group 99"), 404, "there is no group 99");
        Assert.Null((string?)(await run.Api.GetGroupAsync(2)).RuntimeOverride);

        var drained = await run.Admin.DrainGroupAsync(2);
        Assert.Equal(2, (int)drained.Id);
        Assert.Equal("Up", (string)drained.ConfiguredState);
        Assert.Equal("Draining", (string)drained.RuntimeOverride);
        Assert.Equal("Draining", (string)drained.EffectiveState);
        Assert.True((bool?)drained.Drained);
        Assert.Equal("Draining", (string)(await run.Api.GetGroupAsync(2)).EffectiveState);

        var disabled = await run.Admin.DisableGroupAsync(2);
        Assert.Equal("Disabled", (string)disabled.RuntimeOverride);
        Assert.Equal("Disabled", (string)disabled.EffectiveState);
        Assert.Null((bool?)disabled.Drained);

        // A disabled group takes no clients: every new one goes to the other group.
        Assert.Equal(1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(run.Proxy.EndPoint, 9)));
        Assert.Equal(1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(run.Proxy.EndPoint, 10)));

        var enabled = await run.Admin.EnableGroupAsync(2);
        Assert.Null((string?)enabled.RuntimeOverride);
        Assert.Equal("Up", (string)enabled.EffectiveState);
        Assert.Equal(["Up", "Up"], Items((object)await run.Api.GetGroupsAsync()).Select(g => (string)g.EffectiveState));
    }

    [Fact]
    public async Task Reload_GeneratedClientWithBearerToken_AppliesTheFileRefusesABrokenOneAndTheSummaryKeepsIt()
    {
        await using var run = await StartAsync();
        await using var three = NamedBackend.ForGroup(3);
        AssertProblem(await Generated.ExpectErrorAsync(() => run.Api.ReloadAsync(), 401, "reload without a token"), 401, "Authorization: Bearer");
        await File.WriteAllTextAsync(ConfigPath, TestConfig.Toml(run.Port, [.. Groups, new TestGroup(3, three.EndPoint)]));

        var before = DateTimeOffset.UtcNow;
        var applied = await run.Admin.ReloadAsync();

        Assert.True((bool)applied.Applied, (string)applied.Summary);
        Assert.InRange((DateTimeOffset)applied.At, before - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Empty((ICollection<string>)applied.Errors);
        Assert.Contains("groups added [3]", (string)applied.Summary, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], Items((object)await run.Api.GetGroupsAsync()).Select(g => (int)g.Id));
        var last = (await run.Api.GetSummaryAsync()).LastReload;
        Assert.Equal((DateTimeOffset)applied.At, (DateTimeOffset)last.At);
        Assert.Equal((string)applied.Summary, (string)last.Summary);

        await File.WriteAllTextAsync(ConfigPath, "bind_addr = \"127.0.0.1\"\nports = [ 1 ]\nexpiration = \"soon\"\n");
        var refused = await run.Admin.ReloadAsync();

        Assert.False((bool)refused.Applied, (string)refused.Summary);
        Assert.Contains((ICollection<string>)refused.Errors, e => e.StartsWith(ConfigPath + ":3:", StringComparison.Ordinal));
        Assert.False((bool)(await run.Api.GetSummaryAsync()).LastReload.Applied);
        Assert.Equal([1, 2, 3], Items((object)await run.Api.GetGroupsAsync()).Select(g => (int)g.Id));
    }

    [Fact]
    public async Task GetCluster_GeneratedClient_ReadsASingleNodeWithoutPeers()
    {
        await using var run = await StartAsync();

        var cluster = await run.Api.GetClusterAsync();

        Assert.Equal("single node", (string)cluster.Mode);
        Assert.Null((int?)cluster.NodeIndex);
        Assert.False((bool)cluster.Fallback);
        Assert.Empty((System.Collections.IEnumerable)cluster.Peers);
        Assert.Empty((System.Collections.IEnumerable)cluster.RaftGroups);
    }

    private static void AssertOpenEntry(dynamic entry, int group)
    {
        Assert.Equal("127.0.0.9", (string)entry.Key);
        Assert.Equal("127.0.0.9", (string)entry.ClientIp);
        Assert.Null((string?)entry.Slice);
        Assert.Null((string?)entry.SliceHex);
        Assert.Equal(group, (int)entry.Group);
        Assert.Equal(1, (int)entry.OpenConnections);
        Assert.Null((DateTimeOffset?)entry.LastActivity);
        Assert.Null((DateTimeOffset?)entry.ExpiresAt);
    }

    /// <summary>The generated exception is the typed one the document declares, carrying the server's problem details.</summary>
    private void AssertProblem(dynamic error, int status, string detail)
    {
        var typed = Generated.Type("ApiException`1").MakeGenericType(Generated.Type("ProblemDetails"));
        Assert.Equal(typed, ((object)error).GetType());
        Assert.Equal(status, (int)error.StatusCode);
        Assert.Equal(status, (int?)error.Result.Status);
        Assert.Contains(detail, (string)error.Result.Detail, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)error.Result.Title), $"no title in {error.Response}");
    }

    private Type ExpectedType(JsonElement content)
    {
        var schema = Property(content, "application/json", JsonValueKind.Object).GetProperty("schema");
        return schema.TryGetProperty("items", out var items)
            ? typeof(ICollection<>).MakeGenericType(SchemaType(items))
            : SchemaType(schema);
    }

    private Type SchemaType(JsonElement schema) => Generated.Type(String(schema, "$ref").Split('/')[^1]);

    private static dynamic Group(object groups, int id) => Items(groups).Single(g => (int)g.Id == id);

    private static bool HealthCheckPassed(dynamic group) =>
        Items((object)group.HealthChecks) is [var check] && (bool?)check.LastPassed == true;

    /// <summary>The items of a generated collection, each as <c>dynamic</c>.</summary>
    private static List<dynamic> Items(object collection) => [.. (IEnumerable<object>)collection];

    /// <summary>Polls a generated-client call until <paramref name="done"/>; a timeout shows the last answer as JSON.</summary>
    private static async Task<dynamic> PollAsync(Func<Task<object>> probe, Func<dynamic, bool> done, string what) =>
        (await Eventually.UntilAsync(async () => new Shown(await probe()), s => done(s.Value), what)).Value;

    private async Task<Running> StartAsync()
    {
        var startedAfter = DateTimeOffset.UtcNow;
        var (proxy, port) = await ProxyHost.StartFromFileAsync(
            ConfigPath, p => TestConfig.Toml(p, Groups), new ProxyHostOptions { Environment = new TcpffeeEnvironment { ApiToken = Token }, StateDirectory = _directory.Path });
        var adminHttp = ProxyHost.CreateClient(proxy.StatsAddress, IPAddress.Loopback);
        adminHttp.DefaultRequestHeaders.Authorization = Bearer(Token);
        return new Running(proxy, adminHttp, port, startedAfter)
        {
            Api = Generated.Create(proxy.StatsAddress, proxy.Http),
            Admin = Generated.Create(proxy.StatsAddress, adminHttp),
        };
    }

    /// <summary>A proxy started from a file on <see cref="Port"/>, with a generated client without the token and one with it.</summary>
    private sealed class Running(ProxyHost proxy, HttpClient adminHttp, int port, DateTimeOffset startedAfter) : IAsyncDisposable
    {
        public ProxyHost Proxy { get; } = proxy;

        public int Port { get; } = port;

        public DateTimeOffset StartedAfter { get; } = startedAfter;

        /// <summary>A generated client that sends no Authorization header.</summary>
        public required dynamic Api { get; init; }

        /// <summary>A generated client that sends the bearer token.</summary>
        public required dynamic Admin { get; init; }

        public async ValueTask DisposeAsync()
        {
            adminHttp.Dispose();
            await Proxy.DisposeAsync();
        }
    }

    /// <summary>A generated object that prints as the JSON it came from, for poll failure messages.</summary>
    private sealed record Shown(object Value)
    {
        public override string ToString() => JsonSerializer.Serialize(Value);
    }
}
