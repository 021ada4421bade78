using System.Net;
using System.Text;
using System.Text.Json;
using Tcpffee.Hosting;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>
/// A proxy with two groups (group 1 health-checked), one client still connected (127.0.0.2) and one that came and went
/// (127.0.0.3, sending 5 bytes); shared by the read-only shape tests.
/// </summary>
public sealed class ApiShapeFixture : IAsyncLifetime
{
    public const int OpenClient = 2;
    public const int ClosedClient = 3;
    public static readonly byte[] ClosedClientPayload = Encoding.ASCII.GetBytes("hello");

    private NamedBackend? _one;
    private NamedBackend? _two;
    private TestClient? _open;

    internal ProxyHost Proxy { get; private set; } = null!;

    internal NamedBackend One => _one!;

    internal NamedBackend Two => _two!;

    /// <summary>Just before the proxy started.</summary>
    internal DateTimeOffset StartedAfter { get; private set; }

    /// <summary>The group the open client is stuck to.</summary>
    internal int OpenClientGroup { get; private set; }

    /// <summary>The group the closed client is stuck to.</summary>
    internal int ClosedClientGroup { get; private set; }

    public async Task InitializeAsync()
    {
        _one = NamedBackend.ForGroup(1);
        _two = NamedBackend.ForGroup(2);
        StartedAfter = DateTimeOffset.UtcNow;
        Proxy = await ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, _one.EndPoint) { HealthCheck = true }, new TestGroup(2, _two.EndPoint)]));
        _open = await TestClient.OpenNamedAsync(Proxy.EndPoint, OpenClient);
        OpenClientGroup = NamedBackend.GroupOf(_open.Greeting!);
        ClosedClientGroup = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(Proxy.EndPoint, ClosedClient, ClosedClientPayload));

        // Settle: the closed connection is counted, and group 1's check has run once.
        await Eventually.UntilAsync(
            () => GetAsync(Proxy.Http, "/api/v1/"),
            s => Number(s.GetProperty("totals"), "bytesUp") == ClosedClientPayload.Length && Number(s, "stickTableEntries") == 2,
            "the closed connection to be counted", diagnostics: () => Proxy.Logs.ToString());
        await Eventually.UntilAsync(
            () => GetAsync(Proxy.Http, "/api/v1/groups/1"),
            g => g.GetProperty("healthChecks")[0].GetProperty("lastPassed").ValueKind == JsonValueKind.True,
            "group 1's health check to pass once", diagnostics: () => Proxy.Logs.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_open is not null)
        {
            await _open.DisposeAsync();
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await _one!.DisposeAsync();
        await _two!.DisposeAsync();
    }
}

/// <summary>Every read route answers 200 with JSON holding every documented field, each of the right JSON type.</summary>
public sealed class ApiShapeTests : IClassFixture<ApiShapeFixture>
{
    private static readonly string[] SummaryFields =
        ["clusterRole", "configPath", "lastReload", "node", "ports", "startedAt", "stickTableEntries", "totals", "uptimeSeconds", "version"];

    private static readonly string[] TotalsFields = ["accepted", "bytesDown", "bytesUp", "openConnections", "rejected"];

    private static readonly string[] GroupFields =
    [
        "bytesDown", "bytesUp", "configuredState", "drained", "effectiveState", "healthChecks", "healthDecidedBy", "healthState", "id", "openConnections",
        "passive", "portmap", "runtimeOverride", "sendProxy", "stickEntries", "totalConnections", "transparent",
    ];

    private static readonly string[] HealthCheckFields =
    [
        "clusterVerdict", "consecutiveFails", "consecutivePasses", "fallAction", "id", "index", "kind", "lastChange", "lastMessage",
        "lastPassed", "lastResultAt", "targets", "up", "votes",
    ];

    private static readonly string[] EntryFields = ["clientIp", "expiresAt", "group", "key", "lastActivity", "openConnections", "slice", "sliceHex"];

    private readonly ApiShapeFixture _fixture;

    public ApiShapeTests(ApiShapeFixture fixture)
    {
        _fixture = fixture;
    }

    private ProxyHost Proxy => _fixture.Proxy;

    [Fact]
    public async Task Summary_RunningProxy_HasEveryFieldWithItsType()
    {
        var summary = await GetAsync(Proxy.Http, "/api/v1/");
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(SummaryFields, Names(summary));
        Assert.Equal(TcpffeeHost.Version, String(summary, "version"));
        Assert.Equal(Environment.MachineName, String(summary, "node"));
        var startedAt = Timestamp(summary, "startedAt");
        Assert.InRange(startedAt, _fixture.StartedAfter, now);
        Assert.InRange(Property(summary, "uptimeSeconds", JsonValueKind.Number).GetDouble(), 0, (now - _fixture.StartedAfter).TotalSeconds);
        Assert.Equal(Proxy.Environment.ConfigPath, String(summary, "configPath"));
        Assert.Null(Nullable(summary, "lastReload", JsonValueKind.Object));
        Assert.Equal([0], Array(summary, "ports").Select(p => p.GetInt32()));
        Assert.Equal(2, Number(summary, "stickTableEntries"));
        Assert.Equal("single node", String(summary, "clusterRole"));

        var totals = Property(summary, "totals", JsonValueKind.Object);
        Assert.Equal(TotalsFields, Names(totals));
        Assert.Equal(1, Number(totals, "openConnections"));
        Assert.Equal(2, Number(totals, "accepted"));
        Assert.Equal(0, Number(totals, "rejected"));
        Assert.Equal(ApiShapeFixture.ClosedClientPayload.Length, Number(totals, "bytesUp"));
        // Down: the backend's banner, then its echo of what went up.
        Assert.Equal(_fixture.One.Banner.Length + ApiShapeFixture.ClosedClientPayload.Length, Number(totals, "bytesDown"));
    }

    [Fact]
    public async Task Groups_TwoGroups_ListEachWithPortmapStatesHealthChecksAndTraffic()
    {
        var groups = (await GetAsync(Proxy.Http, "/api/v1/groups")).EnumerateArray().ToList();

        Assert.Equal([1, 2], groups.Select(g => (int)Number(g, "id")));
        foreach (var group in groups)
        {
            var id = (int)Number(group, "id");
            var backend = id == 1 ? _fixture.One : _fixture.Two;
            AssertGroupShape(group);
            var portmap = Assert.Single(Array(group, "portmap"));
            Assert.Equal(["backend", "port"], Names(portmap));
            Assert.Equal(0, Number(portmap, "port"));
            Assert.Equal(backend.EndPoint.ToString(), String(portmap, "backend"));
            Assert.Equal("Up", String(group, "configuredState"));
            Assert.Null(Nullable(group, "runtimeOverride", JsonValueKind.String));
            Assert.Equal("Up", String(group, "healthState"));
            Assert.Equal("Up", String(group, "effectiveState"));
            Assert.Null(Nullable(group, "drained", JsonValueKind.True));

            var expectedEntries = new[] { ApiShapeFixture.OpenClient, ApiShapeFixture.ClosedClient }
                .Count(c => (c == ApiShapeFixture.OpenClient ? _fixture.OpenClientGroup : _fixture.ClosedClientGroup) == id);
            Assert.Equal(expectedEntries, Number(group, "stickEntries"));
            Assert.Equal(_fixture.OpenClientGroup == id ? 1 : 0, Number(group, "openConnections"));
            Assert.Equal(expectedEntries, Number(group, "totalConnections"));
            Assert.Equal(_fixture.ClosedClientGroup == id ? ApiShapeFixture.ClosedClientPayload.Length : 0, Number(group, "bytesUp"));
            Assert.Equal(_fixture.ClosedClientGroup == id ? backend.Banner.Length + ApiShapeFixture.ClosedClientPayload.Length : 0, Number(group, "bytesDown"));
        }

        var check = Assert.Single(Array(groups[0], "healthChecks"));
        Assert.Equal(HealthCheckFields, Names(check));
        Assert.StartsWith("1/0/", String(check, "id"), StringComparison.Ordinal);
        Assert.Equal(0, Number(check, "index"));
        Assert.Equal("tcp", String(check, "kind"));
        Assert.Equal([_fixture.One.EndPoint.ToString()], Array(check, "targets").Select(t => t.GetString()));
        Assert.Equal("Draining", String(check, "fallAction"));
        Assert.True(Boolean(check, "up"));
        Assert.True(Number(check, "consecutivePasses") >= 1);
        Assert.Equal(0, Number(check, "consecutiveFails"));
        Assert.True(Boolean(check, "lastPassed"));
        Assert.False(string.IsNullOrEmpty(String(check, "lastMessage")));
        Assert.InRange(Timestamp(check, "lastResultAt"), _fixture.StartedAfter, DateTimeOffset.UtcNow);
        NullableTimestamp(check, "lastChange");
        Assert.Null(Nullable(check, "clusterVerdict", JsonValueKind.True));
        Assert.Null(Nullable(check, "votes", JsonValueKind.Array));

        Assert.Empty(Array(groups[1], "healthChecks"));
    }

    [Fact]
    public async Task Group_ById_IsTheSameGroupAsInTheList()
    {
        var group = await GetAsync(Proxy.Http, "/api/v1/groups/2");

        AssertGroupShape(group);
        Assert.Equal(2, Number(group, "id"));
        Assert.Equal(_fixture.Two.EndPoint.ToString(), String(Assert.Single(Array(group, "portmap")), "backend"));
        Assert.Empty(Array(group, "healthChecks"));
    }

    [Fact]
    public async Task StickTable_DefaultPage_HasTotalOffsetLimitAndEveryEntry()
    {
        var page = await GetAsync(Proxy.Http, "/api/v1/stick-table");

        Assert.Equal(["entries", "limit", "offset", "total"], Names(page));
        Assert.Equal(2, Number(page, "total"));
        Assert.Equal(0, Number(page, "offset"));
        Assert.Equal(100, Number(page, "limit"));
        var entries = Array(page, "entries");
        Assert.Equal(["127.0.0.2", "127.0.0.3"], entries.Select(e => String(e, "key")));

        var open = entries[0];
        AssertEntryShape(open);
        Assert.Equal("127.0.0.2", String(open, "clientIp"));
        Assert.Equal(_fixture.OpenClientGroup, Number(open, "group"));
        Assert.Equal(1, Number(open, "openConnections"));
        Assert.Null(NullableTimestamp(open, "lastActivity"));
        Assert.Null(NullableTimestamp(open, "expiresAt"));

        var closed = entries[1];
        AssertEntryShape(closed);
        Assert.Equal(_fixture.ClosedClientGroup, Number(closed, "group"));
        Assert.Equal(0, Number(closed, "openConnections"));
        var lastActivity = NullableTimestamp(closed, "lastActivity");
        var expiresAt = NullableTimestamp(closed, "expiresAt");
        Assert.NotNull(lastActivity);
        Assert.Equal(TimeSpan.FromSeconds(60), expiresAt - lastActivity);
    }

    [Fact]
    public async Task StickEntry_ByKey_HasEveryField()
    {
        var entry = await GetAsync(Proxy.Http, "/api/v1/stick-table/127.0.0.3");

        AssertEntryShape(entry);
        Assert.Equal("127.0.0.3", String(entry, "key"));
        Assert.Equal("127.0.0.3", String(entry, "clientIp"));
        Assert.Null(Nullable(entry, "slice", JsonValueKind.String));
        Assert.Null(Nullable(entry, "sliceHex", JsonValueKind.String));
        Assert.Equal(_fixture.ClosedClientGroup, Number(entry, "group"));
    }

    [Fact]
    public async Task Cluster_SingleNode_HasModeAndNoPeersOrRaftGroups()
    {
        var cluster = await GetAsync(Proxy.Http, "/api/v1/cluster");

        Assert.Equal(["fallback", "mode", "nodeIndex", "peers", "raftGroups"], Names(cluster));
        Assert.Equal("single node", String(cluster, "mode"));
        Assert.Null(Nullable(cluster, "nodeIndex", JsonValueKind.Number));
        Assert.Equal(JsonValueKind.False, cluster.GetProperty("fallback").ValueKind);
        Assert.Equal(0, cluster.GetProperty("peers").GetArrayLength());
        Assert.Equal(0, cluster.GetProperty("raftGroups").GetArrayLength());
    }

    [Fact]
    public async Task Healthz_EveryGroupUp_IsHealthyJson()
    {
        using var response = await Proxy.Http.GetAsync("/healthz");
        var body = await ReadOkAsync(response, "GET /healthz");

        Assert.Equal("Healthy", String(body, "status"));
    }

    private static void AssertGroupShape(JsonElement group)
    {
        Assert.Equal(GroupFields, Names(group));
        Property(group, "id", JsonValueKind.Number);
        Property(group, "portmap", JsonValueKind.Array);
        Property(group, "configuredState", JsonValueKind.String);
        Nullable(group, "runtimeOverride", JsonValueKind.String);
        Property(group, "healthState", JsonValueKind.String);
        Property(group, "effectiveState", JsonValueKind.String);
        Property(group, "healthChecks", JsonValueKind.Array);
        foreach (var name in new[] { "stickEntries", "openConnections", "totalConnections", "bytesUp", "bytesDown" })
        {
            Assert.True(Number(group, name) >= 0, $"{name} is negative in {group}");
        }

        Nullable(group, "drained", JsonValueKind.True);
        Assert.Equal("this proxy", String(group, "healthDecidedBy"));
    }

    private static void AssertEntryShape(JsonElement entry)
    {
        Assert.Equal(EntryFields, Names(entry));
        String(entry, "key");
        Assert.True(IPAddress.TryParse(String(entry, "clientIp"), out _), $"clientIp is not an address in {entry}");
        Nullable(entry, "slice", JsonValueKind.String);
        Nullable(entry, "sliceHex", JsonValueKind.String);
        Number(entry, "group");
        Number(entry, "openConnections");
        NullableTimestamp(entry, "lastActivity");
        NullableTimestamp(entry, "expiresAt");
    }
}
