using PuppeteerSharp;

namespace Tcpffee.Tests.Dashboard.Support;

/// <summary>
/// The system Chromium, launched headless once per test collection on first use and closed with the collection. It is
/// never downloaded: without <c>chromium</c> on PATH the tests fail and say how to install it.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    private readonly Lazy<Task<IBrowser>> _browser = new(LaunchAsync);

    /// <summary>A new tab at 1280×800 that records console errors.</summary>
    internal async Task<DashboardPage> OpenAsync(Uri address, string screenshotName)
    {
        var browser = await _browser.Value;
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 800 });
        return await DashboardPage.OpenAsync(page, address, screenshotName);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser.IsValueCreated && _browser.Value.IsCompletedSuccessfully)
        {
            var browser = await _browser.Value;
            await browser.CloseAsync();
            await browser.DisposeAsync();
        }
    }

    private static Task<IBrowser> LaunchAsync() =>
        Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = FindChromium(),
            Headless = true,

            // The tests run as root, where Chromium's sandbox cannot start; there is no GPU.
            Args = ["--no-sandbox", "--disable-gpu"],
            Timeout = (int)TimeSpan.FromSeconds(60).TotalMilliseconds,
        });

    private static string FindChromium()
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in (string[])["chromium", "chromium-browser"])
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException(
            "The dashboard tests drive the system Chromium, and none is on PATH: install it with "
            + "'apt-get install -y --no-install-recommends chromium' (.ci/run does this when it runs as root).");
    }
}
