using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>Health check state across a reload (SIGUSR1) that does not touch the check.</summary>
public sealed class ReloadHealthCheckTests
{
    [Fact]
    public async Task Reload_UnrelatedChange_KeepsAFailedCheckDownAndItsGroupDraining()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        using var dead = new RefusedPort();

        // Group 1 serves through bravo, which is up, but its check probes a port that refuses connections: the check
        // fails and drains the group while its traffic would still work, so a client reaching bravo shows the
        // group took a new key. Group 1's portmap does not cover the added port, so the check's targets stay the same.
        string Config(int stats, int port, params int[] extraPorts) =>
            TestConfig.TomlHeader(stats)
            + $"ports = [ {string.Join(", ", extraPorts.Prepend(port))} ]\n"
            + "[groups.0.portmap]\n"
            + string.Concat(extraPorts.Prepend(port).Select(p => $"{p} = \"{alpha.EndPoint}\"\n"))
            + $"[groups.1.portmap]\n{port} = \"{bravo.EndPoint}\"\n"
            + $"[[groups.1.healthchecks]]\ninterval = 0.2\nfall = 1\nport = {dead.Port}\n";

        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], p[1]));
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        var checkDown = await proxy.WaitForLineAsync(0, l => l.Contains("Health check 1/0/", StringComparison.Ordinal) && l.Contains("up=True -> up=False", StringComparison.Ordinal));
        var check = checkDown[(checkDown.IndexOf("Health check ", StringComparison.Ordinal) + "Health check ".Length)..].Split(' ')[0];
        await proxy.WaitForLineAsync(0, "Group 1: health Up -> Draining");
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 3));
        var bravoAccepted = bravo.Accepted;

        var beforeReload = proxy.Mark();
        var (outcome, added, _) = await proxy.ReloadAddingFreshPortsAsync(1, p => Config(stats, port, p[0]));
        var addedPort = added[0];
        var afterReload = proxy.Mark();

        Assert.EndsWith(proxy.Summary($"{addedPort}", "", groupsChanged: "0"), outcome, StringComparison.Ordinal);

        // Right after the reload, new keys still avoid group 1: were it up, with no entries, it would take the first.
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 4));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 5));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(addedPort, 6));
        Assert.Equal(bravoAccepted, bravo.Accepted);

        // Three more failed probes of the same check (same identity) after the reload: a check restarted by it would
        // have logged "stopped" during the reload, then started up and gone down again, each change logged.
        await proxy.WaitForNthLineAsync(afterReload, $"Probe {check}: passed=False", 3);
        var after = proxy.LinesSince(beforeReload);
        string[] forbidden = ["up=False -> up=True", "Group 1: health", "Health check 1/", "passed=True"];
        var offending = after.Where(l => forbidden.Any(f => l.Contains(f, StringComparison.Ordinal))).ToList();
        Assert.True(
            offending.Count == 0,
            $"the reload disturbed group 1's failed check:{Environment.NewLine}{string.Join(Environment.NewLine, offending)}{Environment.NewLine}{proxy.Describe()}");
    }
}
