using System.Collections.Concurrent;
using System.Net;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Reload;

/// <summary>Many reloads (SIGUSR1) while clients keep connecting: not one connection may fail.</summary>
public sealed class ReloadUnderLoadTests
{
    private const int Reloads = 50;
    private const int Clients = 4;

    private readonly ITestOutputHelper _output;

    public ReloadUnderLoadTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Reload_FiftyTimesWhileClientsConnect_EveryConnectionSucceeds()
    {
        await using var first = TestBackend.Echo();
        await using var second = TestBackend.Echo();

        // The two files differ in a second port and in group 1's drain flag; clients use the port both share. The second
        // port is picked afresh each time it is added, as the one removed before may have been taken by another process.
        string WithoutSecondPort(int stats, int port) =>
            TestConfig.TomlHeader(stats)
            + $"ports = [ {port} ]\n"
            + $"[groups.0.portmap]\n{port} = \"{first.EndPoint}\"\n"
            + $"[groups.1.portmap]\n{port} = \"{second.EndPoint}\"\n";
        string WithSecondPort(int stats, int port, int secondPort) =>
            TestConfig.TomlHeader(stats)
            + $"ports = [ {port}, {secondPort} ]\n"
            + $"[groups.0.portmap]\n{port} = \"{first.EndPoint}\"\n{secondPort} = \"{first.EndPoint}\"\n"
            + $"[groups.1]\ndrain = true\n[groups.1.portmap]\n{port} = \"{second.EndPoint}\"\n";

        // Info level: a debug line per connection would only slow the proxy down here.
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => WithoutSecondPort(p[0], p[1]), logLevel: "info");
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        var successes = new long[Clients];
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients)
            .Select(i => Task.Run(() => RunClientAsync(port, $"127.0.0.{10 + i}", i, successes, failures, stop.Token)))
            .ToList();

        long successesBeforeReloads;
        var applied = 0;
        var retries = 0;
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(successes.All(s => Interlocked.Read(ref s) > 0) || !failures.IsEmpty), "every client made a connection");
            successesBeforeReloads = successes.Sum(s => Interlocked.Read(ref s));
            var secondPort = 0;
            for (var i = 1; i <= Reloads; i++)
            {
                if (i % 2 == 1)
                {
                    var (outcome, added, raced) = await proxy.ReloadAddingFreshPortsAsync(1, p => WithSecondPort(stats, port, p[0]));
                    secondPort = added[0];
                    retries += raced;
                    Assert.EndsWith(proxy.Summary($"{secondPort}", "", groupsChanged: "0, 1"), outcome, StringComparison.Ordinal);
                }
                else
                {
                    var outcome = await proxy.ReloadAsync(WithoutSecondPort(stats, port));
                    Assert.EndsWith(proxy.Summary("", $"{secondPort}", groupsChanged: "0, 1"), outcome, StringComparison.Ordinal);
                }

                applied++;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        var total = successes.Sum();
        var reloadedLines = proxy.LinesSince(0).Count(ServerProcess.IsReloadApplied);
        _output.WriteLine(
            $"{applied} reloads applied ({reloadedLines} \"Reloaded\" lines, {retries} retried for a port taken meanwhile); {total} connections succeeded "
            + $"({total - successesBeforeReloads} from the first reload on; per client: {string.Join(", ", successes)}); {failures.Count} failed");
        foreach (var failure in failures.Take(10))
        {
            _output.WriteLine(failure);
        }

        Assert.Equal(Reloads, applied);
        Assert.Equal(Reloads, reloadedLines);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {total + failures.Count} connections failed, first: {failures.FirstOrDefault()}");
        Assert.True(total - successesBeforeReloads > 0, "no connection succeeded while the reloads ran");

        // Error lines come only from attempts refused because another process took the freshly picked port: two each.
        var errorLines = proxy.LinesSince(0).Where(l => l.Contains(" fail: ", StringComparison.Ordinal)).ToList();
        Assert.True(errorLines.Count == 2 * retries, string.Join(Environment.NewLine, errorLines));
    }

    /// <summary>Connect, send, read the exact echo, close; again and again until stopped. Counts each outcome.</summary>
    private static async Task RunClientAsync(int port, string source, int index, long[] successes, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                await using var client = await TestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), IPAddress.Parse(source));
                await client.RoundTripAsync($"client {index} connection {n}: {new string('x', n % 512)}");
                Interlocked.Increment(ref successes[index]);
            }
            catch (Exception ex)
            {
                failures.Enqueue($"client {index} ({source}) connection {n}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
