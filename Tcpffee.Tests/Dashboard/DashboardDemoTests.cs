using System.Globalization;
using System.Text.RegularExpressions;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Dashboard.Support;

namespace Tcpffee.Tests.Dashboard;

/// <summary>The <c>demo</c> verb as a newcomer runs it: it prints the dashboard's address, and the page shows the demo.</summary>
[Collection(SharedBrowser.Name)]
public sealed partial class DashboardDemoTests : IDisposable
{
    private readonly DashboardBrowser _browser;
    private readonly ServerEnvironment _environment = new();

    public DashboardDemoTests(DashboardBrowser browser)
    {
        _browser = browser;
    }

    public void Dispose() => _environment.Dispose();

    [Fact]
    public async Task Demo_PrintsTheDashboardAddress_WhosePageShowsBothGroupsAndTheirClients()
    {
        var (demo, ports) = await ServerProcess.StartOnFreePortsAsync(
            2,
            ports => ["demo", "--port", ports[0].ToString(CultureInfo.InvariantCulture), "--stats-port", ports[1].ToString(CultureInfo.InvariantCulture)],
            _environment.Variables(),
            line => DashboardLine().IsMatch(line));
        await using var disposeDemo = demo;
        var address = DashboardLine().Match(demo.StandardOutput).Groups["address"].Value;
        Assert.Equal($"http://127.0.0.1:{ports[1]}/dashboard/", address);

        await using var page = await _browser.OpenAsync(new Uri(address + "?refresh=500"), "demo");

        await page.WaitAsync(
            async p => $"{await p.StateAsync(0)},{await p.StateAsync(1)}", s => s == "up,up", "the demo's two groups are up");
        var clients = await page.WaitAsync(p => p.TextAsync("#stick tbody"), t => Enumerable.Range(2, 4).All(n => t.Contains($"127.0.0.{n}", StringComparison.Ordinal)),
            "the demo's four clients are in the stick table");
        Assert.Equal(4, await page.CountAsync("#stick tbody tr[data-key]"));
        Assert.Equal("2", await page.TextAsync("#group-0 [data-field=entries]"));
        Assert.Equal("2", await page.TextAsync("#group-1 [data-field=entries]"));
        Assert.True(page.Errors.Count == 0, $"console errors: {string.Join("; ", page.Errors)}; the table said {clients}");
    }

    [GeneratedRegex(@"The dashboard: (?<address>http://\S+)")]
    private static partial Regex DashboardLine();
}
