using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Transparent.Support;

/// <summary>
/// Three network namespaces built for one test, client ↔ proxy ↔ backend, joined by veth pairs with private addresses
/// (10.91.N.0/24 and fd91:N::/64 on the client side, 10.92.N.0/24 and fd92:N::/64 on the backend side, N picked at
/// random per lab). The client and the backend route everything through the proxy namespace, which does not forward:
/// a backend's reply to a client address reaches the proxy's socket only through the host recipe of the README.
/// Disposing kills every process started here and deletes the namespaces, whatever state the test left them in.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NetnsLab : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly List<NetnsProcess> _processes = [];
    private readonly List<string> _namespaces = [];
    private readonly int _subnet;

    private NetnsLab(ITestOutputHelper output)
    {
        _output = output;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        _subnet = RandomNumberGenerator.GetInt32(1, 255);
        ClientNs = $"tcpffee-{id}-cli";
        ProxyNs = $"tcpffee-{id}-prx";
        BackendNs = $"tcpffee-{id}-bke";
    }

    public string ClientNs { get; }

    public string ProxyNs { get; }

    public string BackendNs { get; }

    /// <summary>The client's own address.</summary>
    public IPAddress Client(AddressFamily family) => Address(family, 91, 2);

    /// <summary>The proxy's address on the client side: what tcpffee listens on.</summary>
    public IPAddress ProxyClientSide(AddressFamily family) => Address(family, 91, 1);

    /// <summary>The proxy's address on the backend side.</summary>
    public IPAddress ProxyBackendSide(AddressFamily family) => Address(family, 92, 1);

    /// <summary>The backend's address.</summary>
    public IPAddress Backend(AddressFamily family) => Address(family, 92, 2);

    /// <summary>Builds the namespaces and links; with <paramref name="applyRecipe"/>, runs the README's recipe in the proxy namespace.</summary>
    public static async Task<NetnsLab> CreateAsync(ITestOutputHelper output, bool applyRecipe = true)
    {
        var lab = new NetnsLab(output);
        try
        {
            await lab.BuildAsync(applyRecipe);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command inside <paramref name="ns"/> to completion; throws unless it exits 0.</summary>
    public static Task<string> RunAsync(string ns, params string[] command) => Command.CheckAsync("ip", ["netns", "exec", ns, .. command]);

    /// <summary>Starts a long-running command inside <paramref name="ns"/>; it is killed when the lab is disposed.</summary>
    public NetnsProcess Start(string ns, IEnumerable<string> command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = NetnsProcess.Start(ns, command, environment);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Starts <c>socat -d -d</c> in the backend namespace, answering every connection with its peer's address, and waits until it listens.</summary>
    public async Task<NetnsProcess> StartEchoBackendAsync(AddressFamily family, int port)
    {
        var listen = family == AddressFamily.InterNetwork ? $"TCP-LISTEN:{port},fork,reuseaddr" : $"TCP6-LISTEN:{port},fork,reuseaddr";
        var backend = Start(BackendNs, ["socat", "-d", "-d", listen, "SYSTEM:echo $SOCAT_PEERADDR"]);
        await backend.WaitForLineAsync(l => l.Contains($" listening on ", StringComparison.Ordinal), "socat listening", error: true);
        return backend;
    }

    /// <summary>Connects from the client namespace with <c>socat</c>, sends nothing, and returns what came back before the connection ended.</summary>
    public async Task<string> ConnectFromClientAsync(IPEndPoint target)
    {
        var address = target.AddressFamily == AddressFamily.InterNetwork ? $"TCP:{target.Address}:{target.Port}" : $"TCP6:[{target.Address}]:{target.Port}";
        await using var client = Start(ClientNs, ["socat", "-t", "10", "-", address]);
        var exitCode = await client.WaitForExitAsync(TimeSpan.FromSeconds(30));
        _output.WriteLine($"client socat to {target} exited {exitCode}: '{client.StandardOutput.Trim()}' {client.StandardError.Trim()}");
        return client.StandardOutput;
    }

    /// <summary>GETs <paramref name="path"/> from an HTTP endpoint inside the proxy namespace (the stats endpoint), body only.</summary>
    public async Task<string> HttpGetInProxyAsync(IPEndPoint endpoint, string path)
    {
        // Standard input stays open: a client that half-closes right after its request may see Kestrel drop it unanswered.
        // The server closes after an HTTP/1.0 answer; socat then exits 0.2 s later.
        var (exitCode, output, error) = await Command.RunAsync(
            "ip",
            ["netns", "exec", ProxyNs, "socat", "-t", "0.2", "-", $"TCP:{endpoint.Address}:{endpoint.Port}"],
            $"GET {path} HTTP/1.0\r\nHost: stats\r\n\r\n",
            keepInputOpen: true);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"GET {path} from {endpoint} in {ProxyNs}: socat exited {exitCode}: {error}");
        }

        var body = output.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return body < 0 ? throw new InvalidOperationException($"GET {path}: not an HTTP answer: {output}") : output[(body + 4)..];
    }

    public async ValueTask DisposeAsync()
    {
        List<NetnsProcess> processes;
        lock (_processes)
        {
            processes = [.. _processes];
        }

        foreach (var process in processes)
        {
            await TryAsync($"stop {process.Process.StartInfo.ArgumentList.LastOrDefault()}", async () => await process.DisposeAsync());
        }

        foreach (var ns in _namespaces.AsEnumerable().Reverse())
        {
            await TryAsync($"remove {ns}", async () =>
            {
                // Anything still running in the namespace was started by this lab (socat's forked children, say).
                var (_, pids, _) = await Command.RunAsync("ip", ["netns", "pids", ns]);
                foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await Command.RunAsync("kill", ["-s", "KILL", pid]);
                }

                await Command.CheckAsync("ip", "netns", "del", ns);
            });
        }
    }

    /// <summary>The shell block of the README's "Transparent mode" section, verbatim.</summary>
    public static string ReadmeRecipe()
    {
        var readme = FindReadme();
        var lines = File.ReadAllLines(readme);
        var heading = Array.FindIndex(lines, l => l.Trim() == "#### Transparent mode");
        if (heading < 0)
        {
            throw new InvalidOperationException($"{readme} has no '#### Transparent mode' section");
        }

        var start = Array.FindIndex(lines, heading, l => l.Trim() == "```sh");
        var end = start < 0 ? -1 : Array.FindIndex(lines, start + 1, l => l.Trim() == "```");
        return start < 0 || end < 0
            ? throw new InvalidOperationException($"{readme}: no ```sh block after '#### Transparent mode'")
            : string.Join('\n', lines[(start + 1)..end]) + "\n";
    }

    private static string FindReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var readme = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(readme) && File.Exists(Path.Combine(directory.FullName, "Tcpffee.sln")))
            {
                return readme;
            }
        }

        throw new FileNotFoundException($"README.md of the repository, above {AppContext.BaseDirectory}");
    }

    private async Task BuildAsync(bool applyRecipe)
    {
        _output.WriteLine($"lab: {ClientNs} ({Client(AddressFamily.InterNetwork)}, {Client(AddressFamily.InterNetworkV6)}) <-> {ProxyNs} <-> {BackendNs} ({Backend(AddressFamily.InterNetwork)}, {Backend(AddressFamily.InterNetworkV6)})");
        foreach (var ns in new[] { ClientNs, ProxyNs, BackendNs })
        {
            await Command.CheckAsync("ip", "netns", "add", ns);
            _namespaces.Add(ns);
            await Ip(ns, "link", "set", "lo", "up");
        }

        // Interface names live inside each namespace, so they need not be unique on the host.
        await Ip(ProxyNs, "link", "add", "to-cli", "type", "veth", "peer", "name", "to-prx", "netns", ClientNs);
        await Ip(ProxyNs, "link", "add", "to-bke", "type", "veth", "peer", "name", "to-prx", "netns", BackendNs);
        await AddressAsync(ProxyNs, "to-cli", 91, 1);
        await AddressAsync(ClientNs, "to-prx", 91, 2);
        await AddressAsync(ProxyNs, "to-bke", 92, 1);
        await AddressAsync(BackendNs, "to-prx", 92, 2);
        await Ip(ProxyNs, "link", "set", "to-cli", "up");
        await Ip(ProxyNs, "link", "set", "to-bke", "up");
        await Ip(ClientNs, "link", "set", "to-prx", "up");
        await Ip(BackendNs, "link", "set", "to-prx", "up");
        await Ip(ClientNs, "route", "add", "default", "via", ProxyClientSide(AddressFamily.InterNetwork).ToString());
        await Ip(ClientNs, "-6", "route", "add", "default", "via", ProxyClientSide(AddressFamily.InterNetworkV6).ToString());
        await Ip(BackendNs, "route", "add", "default", "via", ProxyBackendSide(AddressFamily.InterNetwork).ToString());
        await Ip(BackendNs, "-6", "route", "add", "default", "via", ProxyBackendSide(AddressFamily.InterNetworkV6).ToString());

        if (applyRecipe)
        {
            var recipe = ReadmeRecipe();
            _output.WriteLine($"README recipe, run as is in {ProxyNs}:{Environment.NewLine}{recipe}");
            await RunAsync(ProxyNs, "sh", "-e", "-c", recipe);
        }
    }

    private async Task AddressAsync(string ns, string device, int side, int host)
    {
        await Ip(ns, "addr", "add", $"{Address(AddressFamily.InterNetwork, side, host)}/24", "dev", device);

        // nodad: usable at once, instead of "tentative" for a second or two.
        await Ip(ns, "-6", "addr", "add", $"{Address(AddressFamily.InterNetworkV6, side, host)}/64", "dev", device, "nodad");
    }

    private static Task<string> Ip(string ns, params string[] arguments) => Command.CheckAsync("ip", ["-n", ns, .. arguments]);

    private IPAddress Address(AddressFamily family, int side, int host) => family == AddressFamily.InterNetwork
        ? IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.{side}.{_subnet}.{host}"))
        : IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"fd{side}:{_subnet:x}::{host}"));

    private async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            // Teardown goes on with the next step; the failure is reported, not hidden.
            _output.WriteLine($"teardown: could not {what}: {ex.Message}");
        }
    }
}
