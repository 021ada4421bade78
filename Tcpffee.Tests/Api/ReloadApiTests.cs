using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.ApiJson;

namespace Tcpffee.Tests.Api;

/// <summary>POST /api/v1/reload reads the configuration file again and answers with the result, which the summary keeps.</summary>
public sealed class ReloadApiTests : IAsyncLifetime, IDisposable
{
    private readonly NamedBackend _one = NamedBackend.ForGroup(1);
    private readonly NamedBackend _two = NamedBackend.ForGroup(2);
    private readonly TempDirectory _directory = new();
    private int _port;

    public static TheoryData<string, string[]> BrokenFiles() => new()
    {
        // A string where seconds belong (line 3, at the value), and a portmap that is neither a host nor a table (line 7).
        { "bind_addr = \"127.0.0.1\"\nports = [ {PORT} ]\nexpiration = \"soon\"\n[groups.1]\nportmap = \"127.0.0.1\"\n[groups.2]\nportmap = 42\n", ["3:14", "7:11"] },

        // Not TOML at all on line 4.
        { "bind_addr = \"127.0.0.1\"\nports = [ {PORT} ]\n[groups.1]\nportmap = = \"127.0.0.1\"\n", ["4:11", "4:13"] },
    };

    private string ConfigPath => _directory.Combine("tcpffee.toml");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reload_GroupAddedToTheFile_IsAppliedAndTheGroupIsListedAndRouted()
    {
        await using var proxy = await StartAsync();
        Assert.Equal(1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10)));
        await File.WriteAllTextAsync(ConfigPath, TestConfig.Toml(_port, [new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)]));

        var before = DateTimeOffset.UtcNow;
        var result = await PostAsync(proxy.Http, "/api/v1/reload");

        Assert.Equal(["applied", "at", "errors", "summary"], Names(result));
        Assert.True(Boolean(result, "applied"), result.ToString());
        Assert.InRange(Timestamp(result, "at"), before - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Empty(Array(result, "errors"));
        var summary = String(result, "summary");
        Assert.Contains("groups added [2]", summary, StringComparison.Ordinal);
        Assert.Contains("removed []", summary, StringComparison.Ordinal);

        Assert.Equal([1, 2], (await GetAsync(proxy.Http, "/api/v1/groups")).EnumerateArray().Select(g => (int)Number(g, "id")));
        var added = await GetAsync(proxy.Http, "/api/v1/groups/2");
        Assert.Equal(_two.EndPoint.ToString(), String(Assert.Single(Array(added, "portmap")), "backend"));
        Assert.Equal(_port, Number(Assert.Single(Array(added, "portmap")), "port"));

        // The new group has the fewest entries, so it takes the next new client; the old client stays.
        Assert.Equal(2, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 11)));
        Assert.Equal(1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10)));

        var last = Property(await GetAsync(proxy.Http, "/api/v1/"), "lastReload", JsonValueKind.Object);
        Assert.Equal(result.ToString(), last.ToString());
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Reload_BrokenFile_IsRefusedWithLocatedErrorsAndTheRunningConfigStays(string broken, string[] positions)
    {
        await using var proxy = await StartAsync();
        await File.WriteAllTextAsync(ConfigPath, broken.Replace("{PORT}", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var result = await PostAsync(proxy.Http, "/api/v1/reload");

        Assert.False(Boolean(result, "applied"), result.ToString());
        var errors = Array(result, "errors").Select(e => e.GetString()!).ToList();
        Assert.NotEmpty(errors);
        var located = new Regex("^" + Regex.Escape(ConfigPath) + @":(\d+):(\d+): \S");
        Assert.All(errors, e => Assert.Matches(located, e));
        Assert.Equal(positions, errors.Select(e => located.Match(e)).Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}"));
        Assert.Contains($"{errors.Count} mistake", String(result, "summary"), StringComparison.Ordinal);
        Assert.Contains(ConfigPath, String(result, "summary"), StringComparison.Ordinal);

        var last = Property(await GetAsync(proxy.Http, "/api/v1/"), "lastReload", JsonValueKind.Object);
        Assert.Equal(result.ToString(), last.ToString());
        Assert.Equal([1], (await GetAsync(proxy.Http, "/api/v1/groups")).EnumerateArray().Select(g => (int)Number(g, "id")));
        Assert.Equal(1, NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 12)));
    }

    [Fact]
    public async Task Reload_AddedPortInUse_IsRefusedNamingThePort()
    {
        await using var proxy = await StartAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var text = (await File.ReadAllTextAsync(ConfigPath)).Replace($"ports = [ {_port} ]", $"ports = [ {_port}, {taken} ]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(ConfigPath, text);

        var result = await PostAsync(proxy.Http, "/api/v1/reload");

        Assert.False(Boolean(result, "applied"), result.ToString());
        Assert.Contains(Array(result, "errors"), e => e.GetString()!.Contains($":{taken}", StringComparison.Ordinal));
        Assert.Equal([_port], Array(await GetAsync(proxy.Http, "/api/v1/"), "ports").Select(p => p.GetInt32()));
    }

    [Fact]
    public async Task Summary_GroupRemovedByReload_TotalsSinceStartKeepItsTraffic()
    {
        await using var proxy = await StartAsync([new TestGroup(1, _one.EndPoint), new TestGroup(2, _two.EndPoint)]);
        var group = NamedBackend.GroupOf(await TestClient.WhoAnswersAsync(proxy.EndPoint, 10, "12345"u8.ToArray()));
        var counted = await Eventually.UntilAsync(
            () => GetAsync(proxy.Http, "/api/v1/"), s => Number(s.GetProperty("totals"), "bytesUp") == 5, "the connection to be counted");
        var kept = group == 1 ? _two : _one;
        await File.WriteAllTextAsync(ConfigPath, TestConfig.Toml(_port, [new TestGroup(group == 1 ? 2 : 1, kept.EndPoint)]));

        Assert.True(Boolean(await PostAsync(proxy.Http, "/api/v1/reload"), "applied"));

        var totals = (await GetAsync(proxy.Http, "/api/v1/")).GetProperty("totals");
        Assert.Equal(Number(counted.GetProperty("totals"), "accepted"), Number(totals, "accepted"));
        Assert.Equal(5, Number(totals, "bytesUp"));
        // Down: the backend's name and a newline, then its echo of the 5 bytes up.
        Assert.Equal(NamedBackend.NameOf(group).Length + 1 + 5, Number(totals, "bytesDown"));
    }

    private Task<ProxyHost> StartAsync() => StartAsync([new TestGroup(1, _one.EndPoint)]);

    private async Task<ProxyHost> StartAsync(TestGroup[] groups)
    {
        (var proxy, _port) = await ProxyHost.StartFromFileAsync(ConfigPath, port => TestConfig.Toml(port, groups), new ProxyHostOptions { StateDirectory = _directory.Path });
        return proxy;
    }
}
