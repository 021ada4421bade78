using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Descriptors;

/// <summary>
/// A real proxy process started with a limit of 1024 descriptors, flooded with more clients than that leaves room for:
/// it keeps answering the API, does not spin, does not exit, and works as before once the clients leave.
/// </summary>
public sealed class DescriptorExhaustionTests
{
    private const int Limit = 1024;

    /// <summary>More clients than the limit can hold, and fewer than the kernel queues behind them.</summary>
    private const int Clients = 700;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Accept_DescriptorsRunOut_ApiAnswersWithoutSpinningAndEverythingWorksAfter()
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(
            2, p => Config(p[0], echo, p[1]), logLevel: "info", launcher: ["prlimit", $"--nofile={Limit}:{Limit}", "--"]);
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        var savePath = proxy.Environment.Directory.Combine("stick_table");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stats}"), Timeout = TimeSpan.FromSeconds(5) };

        await proxy.WaitForLineAsync(0, $"[5] max_connections = 100000 needs about");
        var mark = proxy.Mark();
        var clients = await FloodAsync(port);
        try
        {
            await proxy.WaitForLineAsync(mark, $"[1004] Port {port} waits before accepting", TimeSpan.FromSeconds(60));

            // The API is polled through the shortage, four times a second (so the requests do not become the load
            // measured); the same window measures the CPU the process spends.
            var cpuBefore = CpuTime(proxy.Id);
            var clock = Stopwatch.StartNew();
            var answers = 0;
            while (clock.Elapsed < Window)
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
                var page = await http.GetStringAsync(new Uri("/api/v1/stick-table?limit=5", UriKind.Relative));
                Assert.Contains("\"total\":", page, StringComparison.Ordinal);
                answers++;
                await Task.Delay(PollInterval);
            }

            var cpu = (CpuTime(proxy.Id) - cpuBefore) / clock.Elapsed;
            Assert.True(cpu < 0.3, $"the proxy used {cpu:P0} of a core while short of descriptors");
            Assert.True(answers >= 3, $"only {answers} API answers in {Window}");
            Assert.False(proxy.Process.HasExited, proxy.Describe());

            // The proxied ports stopped at what the limit leaves, so the process itself never ran out.
            Assert.DoesNotContain(proxy.LinesSince(mark), l => l.Contains("[1020] Out of file descriptors", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        var closedAt = DateTime.UtcNow;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var client = await TestClient.ConnectAsync(port, 2);
                await client.RoundTripAsync("after the shortage");
                return true;
            },
            "a new client is proxied after the clients left",
            TimeSpan.FromSeconds(60),
            proxy.Describe,
            notYet: ex => ex is SocketException or IOException or OperationCanceledException or TimeoutException);

        var summary = await http.GetStringAsync(new Uri("/api/v1/", UriKind.Relative));
        Assert.Contains("\"version\":", summary, StringComparison.Ordinal);
        await Eventually.HoldsAsync(
            () => File.Exists(savePath) && File.GetLastWriteTimeUtc(savePath) > closedAt,
            "the stick table is saved again after the shortage",
            TimeSpan.FromSeconds(30));
        Assert.False(proxy.Process.HasExited, proxy.Describe());
    }

    /// <summary>Connects up to <see cref="Clients"/> sockets (queued ones count: the kernel completes the handshake), stopping at the first that cannot.</summary>
    private static async Task<List<Socket>> FloodAsync(int port)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < Clients; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                sockets.Add(socket);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                break;
            }
        }

        return sockets;
    }

    /// <summary>User plus system CPU time of <paramref name="pid"/>, from <c>/proc/PID/stat</c> (fields 14 and 15, in clock ticks of 10 ms).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static string Config(int stats, TestBackend echo, int port) =>
        TestConfig.TomlHeader(stats) + $"ports = [ {port} ]\n[groups.0.portmap]\n{port} = \"{echo.EndPoint}\"\n";
}
