using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>The <c>reload</c> verb against a running proxy: it validates the file, then signals the PID in the PID file.</summary>
public sealed class ReloadVerbTests
{
    [Fact]
    public async Task ReloadVerb_ValidFile_ExitsZeroAndTheProxyReloadsIt()
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], echo, p[1]));
        var (stats, port, addedPort) = (proxy.Ports[0], proxy.Ports[1], FreePorts.Next());
        proxy.WriteConfig(Config(stats, echo, port, addedPort));
        var mark = proxy.Mark();

        // As an operator would run it: the file named by TCPFFEE_CONFIG_PATH, the PID from TCPFFEE_PID_PATH.
        var result = await ServerProcess.RunAsync(["reload"], proxy.Environment.Variables(("TCPFFEE_CONFIG_PATH", proxy.ConfigPath)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            $"checked {proxy.ConfigPath}; sent SIGUSR1 to tcpffee (PID {proxy.Id} from {proxy.Environment.PidPath}); it reloads the file it was started with and logs the outcome\n",
            result.StandardOutput);
        Assert.Equal("", result.StandardError);
        var outcome = await proxy.WaitForOutcomeAsync(mark);
        Assert.EndsWith(proxy.Summary($"{addedPort}", "", groupsChanged: "0"), outcome, StringComparison.Ordinal);
        Assert.Contains(proxy.LinesSince(mark), l => l.EndsWith($"SIGUSR1: reloading {proxy.ConfigPath}", StringComparison.Ordinal));
        await using var onAdded = await TestClient.ConnectAsync(addedPort, 2);
        await onAdded.RoundTripAsync("through the port the verb's reload added");
    }

    [Fact]
    public async Task ReloadVerb_BrokenFile_ExitsOnePrintsTheErrorsAndSendsNoSignal()
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(3, p => Config(p[0], echo, p[1]));
        var (stats, port, brokenPort) = (proxy.Ports[0], proxy.Ports[1], proxy.Ports[2]);
        var broken = Config(stats, echo, port, brokenPort) + $"9 = \"{echo.EndPoint}\"\n";
        var brokenLine = Array.FindIndex(broken.Split('\n'), l => l.StartsWith("9 = ", StringComparison.Ordinal)) + 1;
        proxy.WriteConfig(broken);
        var mark = proxy.Mark();

        var result = await ServerProcess.RunAsync(["reload", "--config", proxy.ConfigPath], proxy.Environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            $"{proxy.ConfigPath}:{brokenLine}:1: groups.0.portmap.9: port 9 is not in `ports`\n"
            + "1 error; the configuration was not loaded\n"
            + "reload not sent: the running proxy keeps its current configuration\n",
            result.StandardError);
        Assert.Equal("", result.StandardOutput);

        // A signal from the verb would have made the proxy load the broken file, and refuse it, before this reload.
        var outcome = await proxy.ReloadAsync(Config(stats, echo, port) + $"[groups.1.portmap]\n{port} = \"{echo.EndPoint}\"\n");

        Assert.EndsWith(proxy.Summary("", "", groupsAdded: "1"), outcome, StringComparison.Ordinal);
        var lines = proxy.LinesSince(mark);
        Assert.Single(lines, l => l.Contains("SIGUSR1: reloading", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" fail: ", StringComparison.Ordinal));
        Assert.True(await TestClient.IsRefusedAsync(brokenPort), $"port {brokenPort}, only in the broken file, is bound");
    }

    private static string Config(int stats, TestBackend echo, params int[] ports) =>
        TestConfig.TomlHeader(stats)
        + $"ports = [ {string.Join(", ", ports)} ]\n"
        + "[groups.0.portmap]\n"
        + string.Concat(ports.Select(p => $"{p} = \"{echo.EndPoint}\"\n"));
}
