using System.Net;
using System.Text;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>The stick table as the API shows it, while real clients come and go through the proxy.</summary>
public sealed class StickTableApiTests : IAsyncLifetime
{
    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task StickEntry_ClientConnectedThenClosed_ShowsGroupAndOpenConnectionThenExpiry()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        await using var connection = await TestClient.OpenNamedAsync(proxy.EndPoint, 10);
        await using var second = await TestClient.OpenNamedAsync(proxy.EndPoint, 10);

        var open = await GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.10");
        Assert.Equal(NamedBackend.GroupOf(connection.Greeting!), Number(open, "group"));
        Assert.Equal(NamedBackend.GroupOf(connection.Greeting!), NamedBackend.GroupOf(second.Greeting!));
        Assert.Equal(2, Number(open, "openConnections"));
        Assert.Null(NullableTimestamp(open, "expiresAt"));
        Assert.Null(NullableTimestamp(open, "lastActivity"));

        await second.CloseAsync();
        var oneLeft = await Eventually.UntilAsync(
            () => GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.10"), e => Number(e, "openConnections") == 1, "one connection left");
        Assert.Null(NullableTimestamp(oneLeft, "expiresAt"));

        var closedAround = DateTimeOffset.UtcNow;
        await connection.CloseAsync();
        var closed = await Eventually.UntilAsync(
            () => GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.10"), e => Number(e, "openConnections") == 0, "the entry to be idle");
        var lastActivity = NullableTimestamp(closed, "lastActivity");
        var expiresAt = NullableTimestamp(closed, "expiresAt");
        Assert.NotNull(lastActivity);
        Assert.NotNull(expiresAt);
        Assert.Equal(TimeSpan.FromSeconds(60), expiresAt - lastActivity);
        Assert.InRange(lastActivity.Value, closedAround - TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Equal(NamedBackend.GroupOf(connection.Greeting!), Number(closed, "group"));
    }

    [Fact]
    public async Task StickEntry_ExpirationOneSecond_IsGoneAfterItsConnectionCloses()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(1));
        await using var connection = await TestClient.OpenNamedAsync(proxy.EndPoint, 11);
        var open = await GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.11");
        Assert.Equal(1, Number(open, "openConnections"));

        await connection.CloseAsync();
        await Eventually.UntilAsync(
            async () =>
            {
                using var response = await proxy.Http.GetAsync("/api/v1/stick-table/127.0.0.11");
                return response.StatusCode;
            },
            s => s == HttpStatusCode.NotFound,
            "the entry to expire");

        var page = await GetAsync(proxy.Http, "/api/v1/stick-table");
        Assert.Equal(0, Number(page, "total"));
        Assert.Empty(Array(page, "entries"));
        Assert.Equal(0, Number(await GetAsync(proxy.Http, "/api/v1/"), "stickTableEntries"));
    }

    [Fact]
    public async Task StickEntry_IPv4MappedIPv6Key_IsTheSameClientAsTheIPv4Key()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        var group = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 12));

        var entry = await GetAsync(proxy.Http, "/api/v1/stick-table/" + Uri.EscapeDataString("::ffff:127.0.0.12"));

        Assert.Equal("127.0.0.12", String(entry, "key"));
        Assert.Equal(group, Number(entry, "group"));
    }

    [Fact]
    public async Task StickTable_TwelveEntriesInPagesOfFive_WalksEveryEntryOnceInKeyOrder()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        var clients = Enumerable.Range(20, 12).ToList();
        foreach (var client in clients)
        {
            NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, client));
        }

        var expected = clients.Select(c => $"127.0.0.{c}").Order(StringComparer.Ordinal).ToList();
        var seen = new List<string>();
        foreach (var (offset, count) in new[] { (0, 5), (5, 5), (10, 2), (15, 0) })
        {
            var page = await GetAsync(proxy.Http, $"/api/v1/stick-table?limit=5&offset={offset}");
            Assert.Equal(12, Number(page, "total"));
            Assert.Equal(offset, Number(page, "offset"));
            Assert.Equal(5, Number(page, "limit"));
            var keys = Array(page, "entries").Select(e => String(e, "key")).ToList();
            Assert.Equal(count, keys.Count);
            seen.AddRange(keys);
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task StickTable_GroupFilter_ListsOnlyThatGroupsEntries()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        var groupOf = new Dictionary<string, int>();
        foreach (var client in Enumerable.Range(40, 6))
        {
            groupOf[$"127.0.0.{client}"] = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, client));
        }

        // A new key goes to the group with the fewest entries, so both groups have some.
        Assert.Equal([1, 2], groupOf.Values.Distinct().Order());
        foreach (var group in new[] { 1, 2 })
        {
            var page = await GetAsync(proxy.Http, $"/api/v1/stick-table?group={group}");
            var wanted = groupOf.Where(e => e.Value == group).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(wanted.Count, Number(page, "total"));
            var entries = Array(page, "entries");
            Assert.Equal(wanted, entries.Select(e => String(e, "key")));
            Assert.All(entries, e => Assert.Equal(group, Number(e, "group")));
        }

        var filteredPage = await GetAsync(proxy.Http, "/api/v1/stick-table?group=1&limit=1&offset=1");
        Assert.Equal(groupOf.Count(e => e.Value == 1), Number(filteredPage, "total"));
        Assert.Equal(
            groupOf.Where(e => e.Value == 1).Select(e => e.Key).Order(StringComparer.Ordinal).Skip(1).Take(1),
            Array(filteredPage, "entries").Select(e => String(e, "key")));
    }

    [Fact]
    public async Task DeleteStickEntry_IdleEntry_Answers204AndTheClientIsAssignedAfresh()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        var first = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 50));

        using (var response = await proxy.Http.DeleteAsync("/api/v1/stick-table/127.0.0.50"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using (var response = await proxy.Http.GetAsync("/api/v1/stick-table/127.0.0.50"))
        {
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "GET a deleted entry");
        }

        Assert.Equal(0, Number(await GetAsync(proxy.Http, "/api/v1/stick-table"), "total"));

        // A draining group keeps the clients stuck to it, so only a forgotten client goes elsewhere.
        var other = first == 1 ? 2 : 1;
        await PostAsync(proxy.Http, $"/api/v1/groups/{first}/drain");
        Assert.Equal(other, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 50)));
        Assert.Equal(other, Number(await GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.50"), "group"));
    }

    [Fact]
    public async Task DeleteStickEntry_EntryWithOpenConnection_IsKeptWithConflictUntilItCloses()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60));
        await using var open = await TestClient.OpenNamedAsync(proxy.EndPoint, 70);
        using (var response = await proxy.Http.DeleteAsync("/api/v1/stick-table/127.0.0.70"))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var entry = await GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.70");
        Assert.Equal(NamedBackend.GroupOf(open.Greeting!), Number(entry, "group"));
        Assert.Equal(1, Number(entry, "openConnections"));

        await open.CloseAsync();
        await Eventually.UntilAsync(
            () => GetAsync(proxy.Http, "/api/v1/stick-table/127.0.0.70"), e => Number(e, "openConnections") == 0, "the connection to end");
        using (var response = await proxy.Http.DeleteAsync("/api/v1/stick-table/127.0.0.70"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Fact]
    public async Task StickEntry_SliceKeys_ShowSliceAsTextWhenPrintableAndAlwaysAsHex()
    {
        await using var proxy = await StartAsync(TimeSpan.FromSeconds(60), new ProxyHostOptions { Environment = new TcpffeeEnvironment { KeyType = KeyType.IpWithFirstMessageSlice, SliceStart = 0, SliceEnd = 4 } });
        var printable = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 60, Encoding.ASCII.GetBytes("abcd and the rest")));
        var binary = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 60, [(byte)'a', (byte)'b', 0x01, (byte)'\\', (byte)'z']));

        var text = await GetAsync(proxy.Http, "/api/v1/stick-table/" + Uri.EscapeDataString("127.0.0.60|abcd"));
        Assert.Equal("127.0.0.60|abcd", String(text, "key"));
        Assert.Equal("127.0.0.60", String(text, "clientIp"));
        Assert.Equal("abcd", String(text, "slice"));
        Assert.Equal("61626364", String(text, "sliceHex"));
        Assert.Equal(printable, Number(text, "group"));

        var key = @"127.0.0.60|ab\x01\x5C";
        var raw = await GetAsync(proxy.Http, "/api/v1/stick-table/" + Uri.EscapeDataString(key));
        Assert.Equal(key, String(raw, "key"));
        Assert.Null(Nullable(raw, "slice", JsonValueKind.String));
        Assert.Equal("6162015c", String(raw, "sliceHex"));
        Assert.Equal(binary, Number(raw, "group"));

        // The page lists the key exactly as the entry route accepts it.
        var keys = Array(await GetAsync(proxy.Http, "/api/v1/stick-table"), "entries").Select(e => String(e, "key")).ToList();
        Assert.Equal(new[] { "127.0.0.60|abcd", key }.Order(StringComparer.Ordinal), keys);
    }

    private Task<ProxyHost> StartAsync(TimeSpan expiration, ProxyHostOptions? options = null) =>
        ProxyHost.StartAsync(TestConfig.ForGroups([new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)], expiration), options);
}
