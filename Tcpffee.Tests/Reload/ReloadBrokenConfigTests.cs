using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>A reload (SIGUSR1) of a file with mistakes: every mistake is logged with its position and nothing changes.</summary>
public sealed class ReloadBrokenConfigTests
{
    /// <summary>
    /// Each broken file also adds the port {NEW}, which must not be bound. {OLD} is the running port, {ECHO} the backend.
    /// Every expected error is "LINE:COLUMN: message", each on a line whose columns do not depend on the ports.
    /// </summary>
    public static TheoryData<string, string, string[]> BrokenFiles => new()
    {
        {
            "syntax error",
            """
            ports = [ {OLD}, {NEW} ]
            bind_addr =
            [groups.0.portmap]
            {OLD} = "{ECHO}"
            {NEW} = "{ECHO}"
            """,
            ["2:12: Unexpected token end-of-line found while expecting a value"]
        },
        {
            "wrong type and unknown key",
            """
            bind_addr = "127.0.0.1"
            max_connections = "10"
            ports = [ {OLD}, {NEW} ]
            [groups.0]
            drian = true
            [groups.0.portmap]
            {OLD} = "{ECHO}"
            {NEW} = "{ECHO}"
            """,
            ["2:19: max_connections: expected an integer, got a string", "5:1: groups.0.drian: unknown key (did you mean `drain`?)"]
        },
        {
            "portmap key not in ports",
            """
            bind_addr = "127.0.0.1"
            ports = [ {OLD}, {NEW} ]
            [groups.0.portmap]
            {OLD} = "{ECHO}"
            {NEW} = "{ECHO}"
            9 = "{ECHO}"
            """,
            ["6:1: groups.0.portmap.9: port 9 is not in `ports`"]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Reload_BrokenFile_LogsEveryErrorAndKeepsThePreviousConfiguration(string mistake, string broken, string[] expected)
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(
            3, p => TestConfig.TomlHeader(p[0]) + $"ports = [ {p[1]} ]\n[groups.0.portmap]\n{p[1]} = \"{echo.EndPoint}\"\n");
        var (old, added) = (proxy.Ports[1], proxy.Ports[2]);
        await using var held = await TestClient.ConnectAsync(old, 2);
        await held.RoundTripAsync("before the broken reload");
        var mark = proxy.Mark();

        var outcome = await proxy.ReloadExpectingRefusalAsync(broken
            .Replace("{OLD}", $"{old}", StringComparison.Ordinal)
            .Replace("{NEW}", $"{added}", StringComparison.Ordinal)
            .Replace("{ECHO}", echo.EndPoint.ToString(), StringComparison.Ordinal));

        Assert.EndsWith(
            $"Reload of {proxy.ConfigPath} refused: {expected.Length} mistake(s) in {proxy.ConfigPath}; still running on the previous configuration",
            outcome,
            StringComparison.Ordinal);
        var errors = proxy.LinesSince(mark).Where(l => l.Contains("[5002] ", StringComparison.Ordinal)).ToList();
        var logged = string.Join(Environment.NewLine, errors);
        Assert.True(errors.Count == expected.Length, $"{mistake}: expected {expected.Length} error lines, got:{Environment.NewLine}{logged}");
        foreach (var error in expected)
        {
            var line = $" fail: Tcpffee.Reload.ConfigReloadService[5002] {proxy.ConfigPath}:{error}";
            Assert.True(errors.Any(l => l.EndsWith(line, StringComparison.Ordinal)), $"{mistake}: no line ending with '{line}' among:{Environment.NewLine}{logged}");
        }

        Assert.DoesNotContain(proxy.LinesSince(mark), l => l.Contains("Listening on", StringComparison.Ordinal) || l.Contains("Stopped listening", StringComparison.Ordinal));
        Assert.True(await TestClient.IsRefusedAsync(added), $"{mistake}: port {added}, only in the broken file, is bound");
        await held.RoundTripAsync("after the broken reload, on the open connection");
        await using var fresh = await TestClient.ConnectAsync(old, 3);
        await fresh.RoundTripAsync("after the broken reload, on a new connection");
    }

    [Theory]
    [InlineData("arrays", "[", "]")]
    [InlineData("inline tables", "{a = ", "}")]
    public async Task Reload_NestedTooDeep_IsRefusedKeepsProxyingAndStillExitsZeroOnSigTerm(string shape, string open, string close)
    {
        await using var echo = TestBackend.Echo();
        await using var proxy = await ServerProcess.StartWithConfigAsync(
            2, p => TestConfig.TomlHeader(p[0], shutdownTimeout: TestConfig.ShortShutdownTimeout) + $"ports = [ {p[1]} ]\n[groups.0.portmap]\n{p[1]} = \"{echo.EndPoint}\"\n");
        var port = proxy.Ports[1];
        var mark = proxy.Mark();

        // Line 1 holds the value; the first bracket past the bound is the 33rd.
        var deep = "x = " + string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000)) + "\n";
        var outcome = await proxy.ReloadExpectingRefusalAsync(deep + File.ReadAllText(proxy.ConfigPath));

        Assert.EndsWith(
            $"Reload of {proxy.ConfigPath} refused: 1 mistake(s) in {proxy.ConfigPath}; still running on the previous configuration", outcome, StringComparison.Ordinal);
        var column = 5 + (32 * open.Length);
        Assert.Contains(
            proxy.LinesSince(mark),
            l => l.EndsWith($"[5002] {proxy.ConfigPath}:1:{column}: arrays and inline tables nest deeper than 32 levels", StringComparison.Ordinal));
        Assert.False(proxy.Process.HasExited, $"{shape}: the proxy stopped on the reload:\n{proxy.Describe()}");
        await using var client = await TestClient.ConnectAsync(port, 2);
        await client.RoundTripAsync("after the refused reload");

        await proxy.SignalAsync("TERM");
        Assert.Equal(0, await proxy.WaitForExitAsync());
    }
}
