using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Transparent.Support;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Transparent;

/// <summary>
/// <c>transparent = true</c> for real: the built server in a network namespace set up with the README's host recipe, a
/// client and a backend in namespaces of their own. These tests need root, <c>ip</c> (iproute2), <c>nft</c> (nftables),
/// <c>socat</c> and <c>setpriv</c>; without them each test writes why to its output and returns (xunit 2 has no runtime
/// skip), which is what the <c>_WhenRootWithNetns</c> suffix says. CI runs them as root with the tools installed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TransparentModeTests
{
    private const int ProxyPort = 7100;
    private const int BackendPortV4 = 9000;
    private const int BackendPortV6 = 9001;
    private const string RefusedLine = "IP_TRANSPARENT refused";

    /// <summary>The reasons a test may give for not running; anything else is a failure.</summary>
    private static readonly string[] ExpectedReasons =
    [
        "not Linux",
        "not running as root",
        "ip (iproute2) is not installed",
        "nft (nftables) is not installed",
        "socat is not installed",
        "setpriv (util-linux) is not installed",
    ];

    private readonly ITestOutputHelper _output;
    private readonly string? _notRunning = MissingPrerequisite();

    public TransparentModeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public async Task TransparentGroup_ClientConnects_BackendSeesClientAddress_WhenRootWithNetns(AddressFamily family)
    {
        if (NotRunning())
        {
            return;
        }

        using var directory = new TempDirectory();
        await using var lab = await NetnsLab.CreateAsync(_output);
        var backend = await lab.StartEchoBackendAsync(family, BackendPort(family));
        var server = await TransparentServer.StartAsync(lab, directory, Config(lab, family), unprivileged: false);

        var seen = await lab.ConnectFromClientAsync(new IPEndPoint(lab.ProxyClientSide(family), ProxyPort));

        Assert.True(
            ParseSocatAddress(seen) is { } address && address.Equals(lab.Client(family)),
            $"the backend saw '{seen.Trim()}', expected the client's {lab.Client(family)}{Environment.NewLine}{server.Describe()}{Environment.NewLine}{backend.Describe()}");
        Assert.DoesNotContain(RefusedLine, server.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public async Task TransparentGroup_WithoutCapNetAdmin_ConnectionsFailWithOneLogLineAndNoBackendConnection_WhenRootWithNetns(AddressFamily family)
    {
        if (NotRunning())
        {
            return;
        }

        using var directory = new TempDirectory();
        await using var lab = await NetnsLab.CreateAsync(_output);
        var backend = await lab.StartEchoBackendAsync(family, BackendPort(family));
        var server = await TransparentServer.StartAsync(lab, directory, Config(lab, family), unprivileged: true);
        var proxy = new IPEndPoint(lab.ProxyClientSide(family), ProxyPort);

        const int attempts = 3;
        for (var i = 0; i < attempts; i++)
        {
            var seen = await lab.ConnectFromClientAsync(proxy);
            Assert.True(seen.Length == 0, $"connection {i + 1} got '{seen.Trim()}' through a transparent group without CAP_NET_ADMIN");
        }

        // Every connection was refused for this reason, and counted.
        var stats = new IPEndPoint(IPAddress.Loopback, 2340);
        await Eventually.UntilAsync(
            async () => TransparentFailed(await lab.HttpGetInProxyAsync(stats, "/metrics")),
            n => n >= attempts,
            $"{attempts} transparent_failed rejections in /metrics");
        Assert.Equal(attempts, TransparentFailed(await lab.HttpGetInProxyAsync(stats, "/metrics")));

        // Stopping the server flushes its log: one error line for the group, not one per connection.
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
        var refused = server.StandardOutput.Split('\n').Where(l => l.Contains(RefusedLine, StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count == 1, $"expected one '{RefusedLine}' line, got {refused.Count}:{Environment.NewLine}{server.Describe()}");
        Assert.Contains("Group 0", refused[0], StringComparison.Ordinal);

        // No connection ever reached the backend. A connection of our own, from the proxy namespace, shows that socat
        // logs accepted connections and that everything before it is in the log already.
        await NetnsLab.RunAsync(lab.ProxyNs, "socat", "-t", "5", "-u", SocatAddress(new IPEndPoint(lab.Backend(family), BackendPort(family))), "-");
        await backend.WaitForLineAsync(l => l.Contains("accepting connection from", StringComparison.Ordinal), "the control connection at the backend", error: true);
        var accepted = backend.StandardError.Split('\n').Where(l => l.Contains("accepting connection from", StringComparison.Ordinal)).ToList();
        var control = family == AddressFamily.InterNetwork ? $"from AF=2 {lab.ProxyBackendSide(family)}:" : "from AF=10 [";
        Assert.True(accepted.Count == 1 && accepted[0].Contains(control, StringComparison.Ordinal), $"the backend accepted:{Environment.NewLine}{string.Join(Environment.NewLine, accepted)}");
    }

    [Fact]
    public async Task TransparentGroup_HostWithoutTheRecipe_ConnectTimesOut_WhenRootWithNetns()
    {
        // The control for the test above: without the recipe's rule, route and mark, the backend's SYN-ACK to the client's
        // address never reaches the proxy's socket, so the connect times out; the recipe is what makes transparent mode work.
        if (NotRunning())
        {
            return;
        }

        using var directory = new TempDirectory();
        await using var lab = await NetnsLab.CreateAsync(_output, applyRecipe: false);
        var family = AddressFamily.InterNetwork;
        var backend = await lab.StartEchoBackendAsync(family, BackendPort(family));
        var server = await TransparentServer.StartAsync(lab, directory, "connect_timeout = 1\n" + Config(lab, family), unprivileged: false);

        var seen = await lab.ConnectFromClientAsync(new IPEndPoint(lab.ProxyClientSide(family), ProxyPort));

        Assert.True(seen.Length == 0, $"got '{seen.Trim()}' without the host recipe{Environment.NewLine}{server.Describe()}");
        var stats = new IPEndPoint(IPAddress.Loopback, 2340);
        await Eventually.UntilAsync(
            async () => Counter(await lab.HttpGetInProxyAsync(stats, "/metrics"), "tcpffee_connections_rejected_total", "connect_failed"),
            n => n >= 1,
            "a connect_failed rejection in /metrics");
        Assert.DoesNotContain(RefusedLine, server.StandardOutput, StringComparison.Ordinal);
        _ = backend;
    }

    [Fact]
    public void Prerequisites_WhenMissing_ReasonIsOneOfTheExpectedOnes()
    {
        // Guards the early returns above: a reason outside the list (a typo, a new check) must fail rather than silently skip.
        _output.WriteLine(_notRunning is null ? "all prerequisites present: the transparent tests run" : $"transparent tests do not run: {_notRunning}");

        Assert.True(_notRunning is null || ExpectedReasons.Contains(_notRunning), $"unexpected reason: {_notRunning}");
    }

    private static int BackendPort(AddressFamily family) => family == AddressFamily.InterNetwork ? BackendPortV4 : BackendPortV6;

    private static string SocatAddress(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetwork ? $"TCP:{endpoint.Address}:{endpoint.Port}" : $"TCP6:[{endpoint.Address}]:{endpoint.Port}";

    /// <summary>One transparent group listening on the proxy's client-side address and forwarding to the backend.</summary>
    private static string Config(NetnsLab lab, AddressFamily family)
    {
        var backend = family == AddressFamily.InterNetwork ? $"{lab.Backend(family)}:{BackendPort(family)}" : $"[{lab.Backend(family)}]:{BackendPort(family)}";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            bind_addr = "{{lab.ProxyClientSide(family)}}"
            stats_bind_socket = "127.0.0.1:2340"
            ports = [ {{ProxyPort}} ]

            [groups.0]
            transparent = true
            portmap = { {{ProxyPort}} = "{{backend}}" }

            """);
    }

    /// <summary>socat's <c>$SOCAT_PEERADDR</c>: <c>10.91.7.2</c>, or IPv6 in brackets and written out in full.</summary>
    private static IPAddress? ParseSocatAddress(string text)
    {
        var trimmed = text.Trim().Trim('[', ']');
        return IPAddress.TryParse(trimmed, out var address) ? address : null;
    }

    private static double TransparentFailed(string metrics) => Counter(metrics, "tcpffee_connections_rejected_total", "transparent_failed");

    private static double Counter(string metrics, string name, string reason) => metrics.Split('\n')
        .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));


    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not running as root";
        }

        return !Command.IsInstalled("ip") ? "ip (iproute2) is not installed"
            : !Command.IsInstalled("nft") ? "nft (nftables) is not installed"
            : !Command.IsInstalled("socat") ? "socat is not installed"
            : !Command.IsInstalled("setpriv") ? "setpriv (util-linux) is not installed"
            : null;
    }

    /// <summary>True, after writing why, when this machine cannot run the test; the reason must be an expected one.</summary>
    private bool NotRunning()
    {
        if (_notRunning is null)
        {
            return false;
        }

        _output.WriteLine($"not run here: {_notRunning}");
        Assert.Contains(_notRunning, ExpectedReasons);
        return true;
    }
}
