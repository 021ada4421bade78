using System.Collections.Concurrent;
using PuppeteerSharp;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Dashboard.Support;

/// <summary>
/// One browser tab on the dashboard: what the page shows, read through the DOM, and the console errors it raised.
/// Disposing writes a screenshot of the tab (<see cref="DashboardScreenshots"/>) and closes it.
/// </summary>
internal sealed class DashboardPage : IAsyncDisposable
{
    private readonly IPage _page;
    private readonly string _screenshotName;
    private readonly ConcurrentQueue<string> _errors = new();

    private DashboardPage(IPage page, string screenshotName)
    {
        _page = page;
        _screenshotName = screenshotName;
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                _errors.Enqueue($"console: {e.Message.Text}");
            }
        };
        page.PageError += (_, e) => _errors.Enqueue($"uncaught: {e.Message}");
    }

    /// <summary>Console errors and uncaught exceptions so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Where the last navigation ended, after redirects.</summary>
    public string Url => _page.Url;

    public static async Task<DashboardPage> OpenAsync(IPage page, Uri address, string screenshotName)
    {
        var dashboard = new DashboardPage(page, screenshotName);
        await page.GoToAsync(address.ToString(), new NavigationOptions { Timeout = (int)Eventually.DefaultTimeout.TotalMilliseconds });
        return dashboard;
    }

    /// <summary>How many refreshes the page has finished (answered or not).</summary>
    public Task<int> RefreshesAsync() => _page.EvaluateExpressionAsync<int>("Number(document.body.dataset.refreshes || 0)");

    /// <summary>The effective state the row of <paramref name="group"/> shows (<c>up</c>, <c>draining</c>, <c>disabled</c>), or "" with no row.</summary>
    public Task<string> StateAsync(int group) =>
        TextOfAsync($"#group-{group} td[data-state]", "el.dataset.state");

    /// <summary>The number of the refresh that first drew the current state of <paramref name="group"/>.</summary>
    public async Task<int> StateSinceRefreshAsync(int group) =>
        int.Parse(await TextOfAsync($"#group-{group} td[data-state]", "el.dataset.sinceRefresh"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The text of the first element matching <paramref name="selector"/>, or "" when there is none.</summary>
    public Task<string> TextAsync(string selector) => TextOfAsync(selector, "el.innerText");

    /// <summary>Whether an element matches <paramref name="selector"/> and is not hidden.</summary>
    public Task<bool> VisibleAsync(string selector) =>
        _page.EvaluateFunctionAsync<bool>("(s) => { const el = document.querySelector(s); return !!el && !el.hidden; }", selector);

    public Task<int> CountAsync(string selector) =>
        _page.EvaluateFunctionAsync<int>("(s) => document.querySelectorAll(s).length", selector);

    /// <summary>Brings this tab to the front: it becomes visible again.</summary>
    public Task BringToFrontAsync() => _page.BringToFrontAsync();

    /// <summary>The page's <c>document.visibilityState</c>.</summary>
    public Task<string> VisibilityAsync() => _page.EvaluateExpressionAsync<string>("document.visibilityState");

    public Task ClickAsync(string selector) => _page.ClickAsync(selector);

    /// <summary>The element <paramref name="selector"/> matches now (it must match one).</summary>
    public async Task<HeldElement> HoldAsync(string selector) =>
        new(await _page.QuerySelectorAsync(selector) ?? throw new InvalidOperationException($"nothing matches {selector}"), selector);

    public Task TypeAsync(string selector, string text) => _page.TypeAsync(selector, text);

    /// <summary>Polls the page until <paramref name="done"/> holds for what <paramref name="probe"/> reads.</summary>
    public Task<T> WaitAsync<T>(Func<DashboardPage, Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => probe(this), done, $"the dashboard shows that {what}", timeout, diagnostics: Describe);

    /// <summary>Waits until the page has finished <paramref name="count"/> more refreshes.</summary>
    public async Task WaitRefreshesAsync(int count)
    {
        var start = await RefreshesAsync();
        await WaitAsync(p => p.RefreshesAsync(), n => n >= start + count, $"{count} more refreshes finished");
    }

    /// <summary>The page's text and errors, for failure messages.</summary>
    public string Describe()
    {
        try
        {
            var text = _page.EvaluateExpressionAsync<string>("document.body.innerText").GetAwaiter().GetResult();
            return $"page text:{System.Environment.NewLine}{text}{System.Environment.NewLine}errors: {string.Join("; ", Errors)}";
        }
        catch (PuppeteerException ex)
        {
            return $"the page could not be read: {ex.Message}";
        }
    }

    /// <summary>Writes the tab as it is now to <c>NAME.png</c> beside the other screenshots.</summary>
    public Task SaveScreenshotAsync(string name) => _page.ScreenshotAsync(DashboardScreenshots.PathOf(name));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SaveScreenshotAsync(_screenshotName);
        }
        finally
        {
            await _page.CloseAsync();
        }
    }

    private Task<string> TextOfAsync(string selector, string expression) =>
        _page.EvaluateFunctionAsync<string>($"(s) => {{ const el = document.querySelector(s); return el ? String({expression}) : ''; }}", selector);
}
