using System.Net;
using System.Net.Sockets;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>Ports added and removed by a reload (SIGUSR1): new ones open, removed ones close, open connections continue.</summary>
public sealed class ReloadPortTests
{
    [Fact]
    public async Task Reload_PortReplaced_RemovedPortRefusesButItsOpenConnectionContinues()
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(3, p => Config(p[0], echo, p[1], p[2]));
        var (stats, a, b) = (proxy.Ports[0], proxy.Ports[1], proxy.Ports[2]);

        await using var heldOnA = await TestClient.ConnectAsync(a, 2);
        await using var heldOnB = await TestClient.ConnectAsync(b, 3);
        await heldOnA.RoundTripAsync("before the reload, through A");
        await heldOnB.RoundTripAsync("before the reload, through B");

        var (outcome, added, _) = await proxy.ReloadAddingFreshPortsAsync(1, p => Config(stats, echo, b, p[0]));
        var c = added[0];

        Assert.EndsWith(proxy.Summary($"{c}", $"{a}", groupsChanged: "0"), outcome, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => TestClient.IsRefusedAsync(a), $"removed port {a} refuses new connections");
        await heldOnA.RoundTripAsync("after the reload, through the removed port A");
        await heldOnB.RoundTripAsync("after the reload, through B");
        await using (var onC = await TestClient.ConnectAsync(c, 4))
        {
            await onC.RoundTripAsync("through the added port C");
        }

        await using (var onB = await TestClient.ConnectAsync(b, 5))
        {
            await onB.RoundTripAsync("a new connection through the kept port B");
        }

        // The held connection on the removed port is still alive after the new port took traffic.
        await heldOnA.RoundTripAsync("still through A");
    }

    [Fact]
    public async Task Reload_AddedPortAlreadyInUse_RefusesTheWholeReloadAndKeepsTheOldPorts()
    {
        await using var echo = TestBackend.Echo();
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var taken = ((IPEndPoint)occupier.LocalEndpoint).Port;
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], echo, p[1]));
        var (stats, a) = (proxy.Ports[0], proxy.Ports[1]);
        var free = FreePorts.Next();
        var mark = proxy.Mark();

        // The free port comes first, so it is bound before the taken one fails.
        var outcome = await proxy.ReloadExpectingRefusalAsync(Config(stats, echo, a, free, taken));

        Assert.EndsWith(
            $"Reload of {proxy.ConfigPath} refused: 1 port(s) could not be bound; still running on the previous configuration",
            outcome,
            StringComparison.Ordinal);
        await proxy.WaitForLineAsync(mark, $"Cannot listen on 127.0.0.1:{taken}: ");
        Assert.DoesNotContain(proxy.LinesSince(mark), l => l.Contains($"Cannot listen on 127.0.0.1:{free}", StringComparison.Ordinal));
        Assert.True(await TestClient.IsRefusedAsync(free), $"port {free}, added by the refused reload, is still bound");
        await using (var onA = await TestClient.ConnectAsync(a, 2))
        {
            await onA.RoundTripAsync("the old port still proxies");
        }

        // The refused reload left nothing half done: once the port is free, the same file loads whole.
        occupier.Stop();
        var retried = await proxy.ReloadAsync(Config(stats, echo, a, free, taken));

        Assert.EndsWith(proxy.Summary($"{free}, {taken}", "", groupsChanged: "0"), retried, StringComparison.Ordinal);
        await using var onTaken = await TestClient.ConnectAsync(taken, 3);
        await onTaken.RoundTripAsync("through the port that was taken before");
    }

    /// <summary>One group that forwards every listed port to the echo backend; a different list changes that group's portmap.</summary>
    private static string Config(int stats, TestBackend echo, params int[] ports) =>
        TestConfig.TomlHeader(stats)
        + $"ports = [ {string.Join(", ", ports)} ]\n"
        + "[groups.0.portmap]\n"
        + string.Concat(ports.Select(p => $"{p} = \"{echo.EndPoint}\"\n"));
}
