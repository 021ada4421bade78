using System.Net;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>Settings a reload (SIGUSR1) cannot change while running: reported as needing a restart, kept as they are.</summary>
public sealed class ReloadRestartOnlyTests
{
    [Fact]
    public async Task Reload_StatsSocketChanged_WarnsKeepsTheOldStatsPortAndAppliesTheRest()
    {
        await using var echo = TestBackend.Echo();
        string Config(int statsPort, params int[] proxied) =>
            TestConfig.TomlHeader(statsPort)
            + $"ports = [ {string.Join(", ", proxied)} ]\n"
            + "[groups.0.portmap]\n"
            + string.Concat(proxied.Select(p => $"{p} = \"{echo.EndPoint}\"\n"));
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], p[1]));
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        var mark = proxy.Mark();

        var (outcome, fresh, retries) = await proxy.ReloadAddingFreshPortsAsync(2, p => Config(p[0], port, p[1]));
        var (movedStats, addedPort) = (fresh[0], fresh[1]);

        Assert.EndsWith(proxy.Summary($"{addedPort}", "", groupsChanged: "0"), outcome, StringComparison.Ordinal);
        var restartWarnings = proxy.LinesSince(mark).Where(l => l.Contains("[5004] ", StringComparison.Ordinal)).ToList();
        // One warning per attempt; an attempt is retried only when another process took a freshly picked port.
        Assert.Equal(1 + retries, restartWarnings.Count);
        Assert.All(restartWarnings, w => Assert.EndsWith("stats_bind_socket changed, but it takes effect only after a restart", w, StringComparison.Ordinal));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{stats}/healthz"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        Assert.StartsWith("{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.True(await TestClient.IsRefusedAsync(movedStats), $"the new stats port {movedStats} is bound without a restart");

        await using var onAdded = await TestClient.ConnectAsync(addedPort, 2);
        await onAdded.RoundTripAsync("the added port is applied all the same");
    }
}
