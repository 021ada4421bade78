using System.Net;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Dashboard.Support;

namespace Tcpffee.Tests.Dashboard;

/// <summary>The dashboard in a real browser against a real in-process proxy: what it shows, and what its buttons do.</summary>
[Collection(SharedBrowser.Name)]
public sealed class DashboardPageTests
{
    /// <summary>Short, so the tests are quick; the page's default is 2 s.</summary>
    private const int RefreshMs = 500;

    private readonly DashboardBrowser _browser;

    public DashboardPageTests(DashboardBrowser browser)
    {
        _browser = browser;
    }

    [Fact]
    public async Task Page_Loads_WithoutConsoleErrors_AndShowsEveryGroupWithItsState()
    {
        await using var up = NamedBackend.ForGroup(0);
        await using var draining = NamedBackend.ForGroup(1);
        await using var disabled = NamedBackend.ForGroup(2);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.Proxy(
            TestConfig.Group(0, up.EndPoint, TestConfig.Tcp(interval: TimeSpan.FromSeconds(1))),
            TestConfig.Group(1, TestConfig.Map((0, draining.EndPoint)), drain: true),
            TestConfig.Group(2, TestConfig.Map((0, disabled.EndPoint)), disabled: true)));
        Assert.Equal(NamedBackend.NameOf(0), await proxy.AskOnceAsync(2));
        await using var open = await proxy.ConnectAsync(3);

        // Without the slash, as an operator types it: the redirect keeps the query string.
        await using var page = await _browser.OpenAsync(new Uri(proxy.StatsAddress, $"dashboard?refresh={RefreshMs}"), "groups-and-states");
        Assert.EndsWith($"/dashboard/?refresh={RefreshMs}", page.Url, StringComparison.Ordinal);
        var states = await page.WaitAsync(
            async p => $"{await p.StateAsync(0)},{await p.StateAsync(1)},{await p.StateAsync(2)}",
            s => s == "up,draining,disabled",
            "group 0 is up, group 1 draining and group 2 disabled");
        Assert.Equal("up,draining,disabled", states);
        Assert.Contains("config: drain", await page.TextAsync("#group-1 .why"), StringComparison.Ordinal);
        Assert.Contains("config: disabled", await page.TextAsync("#group-2 .why"), StringComparison.Ordinal);
        Assert.Contains("#0 tcp up", await page.TextAsync("#group-0 .checks"), StringComparison.Ordinal);
        await page.WaitAsync(p => p.TextAsync("#group-0 [data-field=entries]"), t => t == "2", "group 0 has the two clients' entries");
        Assert.Equal(2, await page.CountAsync("#stick tbody tr[data-key]"));
        Assert.Contains("single node", await page.TextAsync("#summary"), StringComparison.Ordinal);

        // Traffic over a few refreshes draws the rates and the charts; nothing on the way may log an error.
        for (var client = 4; client < 10; client++)
        {
            await proxy.AskOnceAsync(client);
            await page.WaitRefreshesAsync(1);
        }

        await page.WaitAsync(p => p.TextAsync("#group-0 [data-field=entries]"), t => t == "8", "group 0 has every client's entry");
        Assert.True(page.Errors.Count == 0, $"console errors: {string.Join("; ", page.Errors)}");
    }

    [Fact]
    public async Task Group_WhoseBackendDies_TurnsDrainingWithinTwoRefreshes_AndBack()
    {
        await using var dying = NamedBackend.ForGroup(0);
        await using var other = NamedBackend.ForGroup(1);
        var check = TestConfig.Tcp(fall: 1, rise: 1, interval: TimeSpan.FromMilliseconds(200), timeout: TimeSpan.FromMilliseconds(150));
        await using var proxy = await ProxyHost.StartAsync(TestConfig.Proxy(
            TestConfig.Group(0, dying.EndPoint, check), TestConfig.Group(1, other.EndPoint)));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "backend-dies");
        await page.WaitAsync(p => p.StateAsync(0), s => s == "up", "group 0 is up");

        await dying.StopAsync();
        await WithinTwoRefreshesAsync(proxy, page, 0, "Draining");
        Assert.Contains("health check #0 down", await page.TextAsync("#group-0 .why"), StringComparison.Ordinal);
        Assert.Contains("#0 tcp down", await page.TextAsync("#group-0 .checks"), StringComparison.Ordinal);

        dying.Restart();
        await WithinTwoRefreshesAsync(proxy, page, 0, "Up");
        Assert.Equal("–", await page.TextAsync("#group-0 .why"));
    }

    [Fact]
    public async Task DrainButton_AppliesTheOverride_AndTheRowShowsIt()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var b = NamedBackend.ForGroup(1);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint, b.EndPoint));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "drain-button");
        await page.WaitAsync(p => p.StateAsync(1), s => s == "up", "group 1 is up");

        await page.ClickAsync("#group-1 button[data-action=drain]");

        var group = await Eventually.UntilAsync(
            () => GroupAsync(proxy, 1), g => g.GetProperty("runtimeOverride").GetString() == "Draining", "the API shows group 1's override Draining",
            describe: g => g.ToString());
        Assert.Equal("Draining", group.GetProperty("effectiveState").GetString());
        await page.WaitAsync(p => p.StateAsync(1), s => s == "draining", "group 1 is draining");
        Assert.Contains("override: draining", await page.TextAsync("#group-1 .why"), StringComparison.Ordinal);
        Assert.Contains("Drain group 1: done", await page.TextAsync("#message"), StringComparison.Ordinal);
        Assert.Equal("up", await page.StateAsync(0));
    }

    [Fact]
    public async Task Buttons_StayTheSameElementsOverRefreshes_SoAClickThatLandsDuringARedrawIsNotLost()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        Assert.Equal(NamedBackend.NameOf(0), await proxy.AskOnceAsync(2));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "buttons-kept");
        await page.WaitAsync(p => p.CountAsync("#stick tbody tr[data-key]"), n => n == 1, "the client's entry is listed");
        var drain = await page.HoldAsync("#group-0 button[data-action=drain]");
        var forget = await page.HoldAsync("#stick tbody button[data-action=forget]");

        // Each refresh redraws both tables with new figures; the rows and their buttons must be the ones drawn before.
        await page.WaitRefreshesAsync(3);

        Assert.True(await drain.StillDrawnAsync(), "the drain button was replaced by a refresh");
        Assert.True(await forget.StillDrawnAsync(), "the forget button was replaced by a refresh");
        await drain.ClickAsync();
        await page.WaitAsync(p => p.StateAsync(0), s => s == "draining", "group 0 is draining after the click on the held button");
        await forget.ClickAsync();
        await page.WaitAsync(p => p.TextAsync("#message"), t => t.StartsWith("Forget ", StringComparison.Ordinal) && t.EndsWith(": done.", StringComparison.Ordinal), "the entry is forgotten");
        await page.WaitAsync(p => p.CountAsync("#stick tbody tr[data-key]"), n => n == 0, "the forgotten entry is no longer listed");
    }

    [Fact]
    public async Task DrainButton_WithATokenSetAndNoneTyped_ShowsThe401_AndChangesNothing_UntilTheTokenIsTyped()
    {
        const string Token = "dashboard-secret";
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(
            TestConfig.OnePort(a.EndPoint), new ProxyHostOptions { Environment = new TcpffeeEnvironment { ApiToken = Token } });
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "refused-without-token");
        await page.WaitAsync(p => p.StateAsync(0), s => s == "up", "group 0 is up");

        await page.ClickAsync("#group-0 button[data-action=drain]");

        var message = await page.WaitAsync(p => p.TextAsync("#message"), t => t.Length > 0, "the answer to the click");
        Assert.Contains("Drain group 0 refused: 401 Unauthorized: This route needs Authorization: Bearer", message, StringComparison.Ordinal);
        Assert.True(await page.VisibleAsync("#message"));
        var group = await GroupAsync(proxy, 0);
        Assert.Equal(JsonValueKind.Null, group.GetProperty("runtimeOverride").ValueKind);
        Assert.Equal("Up", group.GetProperty("effectiveState").GetString());
        await page.WaitRefreshesAsync(1);
        Assert.Equal("up", await page.StateAsync(0));

        // Typed once, the token is kept for the tab and sent with the next click.
        await page.TypeAsync("#token", Token);
        await page.ClickAsync("#token-keep");
        Assert.Equal("token kept for this tab", await page.TextAsync("#token-state"));
        await page.ClickAsync("#group-0 button[data-action=drain]");
        await page.WaitAsync(p => p.StateAsync(0), s => s == "draining", "group 0 is draining once the token is typed");
        Assert.Equal("Draining", (await GroupAsync(proxy, 0)).GetProperty("runtimeOverride").GetString());
    }

    [Fact]
    public async Task DrainingGroup_ShowsWhatIsLeft_ThenDrainedOnceItsLastEntryIsForgotten()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        Assert.Equal(NamedBackend.NameOf(0), await proxy.AskOnceAsync(2));
        await proxy.WaitUntilIdleAsync(ProxyHost.KeyOf(2));
        using (var drain = await proxy.Http.PostAsync("api/v1/groups/0/drain", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        }

        await using var page = await _browser.OpenAsync(Dashboard(proxy), "drained");
        var progress = await page.WaitAsync(p => p.TextAsync("#group-0 .progress"), t => t.Length > 0, "group 0's drain progress");
        Assert.Equal("1 entries, 0 open left", progress);
        Assert.Equal("draining", await page.StateAsync(0));

        await page.ClickAsync("#stick tr[data-key='127.0.0.2'] button[data-action=forget]");

        await page.WaitAsync(p => p.TextAsync("#group-0 .progress"), t => t == "drained: safe to remove", "group 0 is drained");
        Assert.Contains("Forget 127.0.0.2: done", await page.TextAsync("#message"), StringComparison.Ordinal);
        Assert.Equal(0, await page.CountAsync("#stick tbody tr[data-key]"));
    }

    [Fact]
    public async Task Proxy_ThatStopsAnswering_IsSaidPlainly()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "not-answering");
        await page.WaitAsync(p => p.StateAsync(0), s => s == "up", "group 0 is up");
        Assert.False(await page.VisibleAsync("#offline-banner"));

        await proxy.StopAsync();

        await page.WaitAsync(p => p.VisibleAsync("#offline-banner"), shown => shown, "the proxy is not answering");
        Assert.Contains("The proxy is not answering", await page.TextAsync("#offline-banner"), StringComparison.Ordinal);
        Assert.Equal("up", await page.StateAsync(0));
    }

    [Fact]
    public async Task RefusedReload_IsInTheHeader_WithEveryErrorsLineAndColumn()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "refused-reload");
        await page.WaitAsync(p => p.TextAsync("#reload"), t => t == "No reload since start.", "no reload yet");

        await File.WriteAllTextAsync(proxy.ConfigPath, "ports = [ 1 ]\nexpiration = \"soon\"\nbogus = 3\n");
        using (var reload = await proxy.Http.PostAsync("api/v1/reload", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }

        var header = await page.WaitAsync(p => p.TextAsync("#reload"), t => t.StartsWith("Last reload", StringComparison.Ordinal) && t.Contains("refused", StringComparison.Ordinal), "the reload was refused");
        var errors = await page.CountAsync("#reload li");
        Assert.True(errors >= 2, $"expected both mistakes listed, saw: {header}");
        Assert.Contains(":2:", header, StringComparison.Ordinal);
        Assert.Contains(":3:", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StickTableSearch_FindsAClientsEntry_AndSaysWhenThereIsNone()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        for (var client = 2; client <= 4; client++)
        {
            await proxy.AskOnceAsync(client);
        }

        await using var page = await _browser.OpenAsync(Dashboard(proxy), "stick-search");
        await page.WaitAsync(p => p.CountAsync("#stick tbody tr[data-key]"), n => n == 3, "the three clients' entries");

        await page.TypeAsync("#stick-search", "127.0.0.3");
        await page.ClickAsync("#stick-find");
        await page.WaitAsync(p => p.TextAsync("#stick tbody"), t => t.StartsWith("127.0.0.3", StringComparison.Ordinal) && !t.Contains("127.0.0.2", StringComparison.Ordinal),
            "only the entry of 127.0.0.3");
        Assert.Equal(1, await page.CountAsync("#stick tbody tr[data-key]"));

        await page.TypeAsync("#stick-search", "0");
        await page.ClickAsync("#stick-find");
        var missing = await page.WaitAsync(p => p.TextAsync("#stick tbody"), t => t.StartsWith("No entry", StringComparison.Ordinal), "no entry for 127.0.0.30");
        Assert.Contains("404 Not Found: no live entry for key 127.0.0.30", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HiddenTab_StopsRefreshing_AndRefreshesAtOnceWhenShownAgain()
    {
        await using var a = NamedBackend.ForGroup(0);
        await using var proxy = await ProxyHost.StartAsync(TestConfig.OnePort(a.EndPoint));
        await using var page = await _browser.OpenAsync(Dashboard(proxy), "hidden-tab");
        await using var witness = await _browser.OpenAsync(Dashboard(proxy), "hidden-tab-witness");
        await page.BringToFrontAsync();
        await page.WaitRefreshesAsync(2);

        // The witness in front hides the page; while the witness refreshes three times on the same interval, the page must not refresh at all.
        await witness.BringToFrontAsync();
        await page.WaitAsync(p => p.VisibilityAsync(), v => v == "hidden", "the tab is hidden");
        await page.WaitAsync(p => p.TextAsync("#status"), t => t == "Paused while this tab is hidden.", "refreshing is paused");
        var paused = await page.RefreshesAsync();
        await witness.WaitRefreshesAsync(3);
        Assert.Equal(paused, await page.RefreshesAsync());

        await page.BringToFrontAsync();
        await page.WaitAsync(p => p.RefreshesAsync(), n => n > paused, "a refresh once the tab is shown");
        Assert.StartsWith("Refreshed at", await page.TextAsync("#status"), StringComparison.Ordinal);
    }

    private static Uri Dashboard(ProxyHost proxy) => new(proxy.StatsAddress, $"dashboard/?refresh={RefreshMs}");

    private static async Task<JsonElement> GroupAsync(ProxyHost proxy, int id)
    {
        using var document = await proxy.GetJsonAsync($"api/v1/groups/{id}");
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Waits until the API says <paramref name="group"/> is <paramref name="state"/>, then checks that the page shows it
    /// within two refreshes: one that may have been under way when the API changed, and the next, which started after.
    /// </summary>
    private static async Task WithinTwoRefreshesAsync(ProxyHost proxy, DashboardPage page, int group, string state)
    {
        await Eventually.UntilAsync(
            () => GroupAsync(proxy, group), g => g.GetProperty("effectiveState").GetString() == state, $"the API says group {group} is {state}",
            describe: g => g.ToString(), diagnostics: proxy.Describe);
        var changedAt = await page.RefreshesAsync();
        var expected = state.ToLowerInvariant();
        await page.WaitAsync(p => p.StateAsync(group), s => s == expected, $"group {group} is {expected}");
        var drawnAt = await page.StateSinceRefreshAsync(group);
        Assert.True(
            drawnAt <= changedAt + 2,
            $"the page first showed group {group} {expected} at refresh {drawnAt}; the API said {state} when {changedAt} refreshes had finished");
    }
}
