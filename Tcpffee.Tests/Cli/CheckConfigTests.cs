using System.Net;
using System.Reflection;
using Tcpffee.Cli;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cli;

/// <summary>The built server run as a child process: <c>check-config</c>, <c>--version</c>, and the proxy on a broken file.</summary>
public sealed class CheckConfigTests : IDisposable
{
    /// <summary>Three mistakes, at 1:17, 2:13 and 5:1.</summary>
    private const string ThreeMistakes = """
        ports = [ 5280, 0 ]
        bind_addr = "nope"
        [groups.0]
        portmap = "127.0.0.1"
        drian = true
        """;

    private readonly ServerEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void ServerAssembly_IsCopiedNextToTheTests()
    {
        Assert.True(File.Exists(ServerProcess.ServerDllPath), ServerProcess.ServerDllPath);
        Assert.True(File.Exists(Path.ChangeExtension(ServerProcess.ServerDllPath, ".runtimeconfig.json")));
        Assert.Equal(AppContext.BaseDirectory, Path.GetDirectoryName(ServerProcess.ServerDllPath) + Path.DirectorySeparatorChar);
    }

    [Fact]
    public async Task CheckConfig_ValidFile_ExitsZeroAndPrintsOk()
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{path}: OK (2 ports, 2 groups, 1 health checks, 1 peers)\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public async Task CheckConfig_ShortConfigOption_IsAccepted()
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config", "-c", path], _environment.Variables());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"{path}: OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_ThreeMistakes_ExitsOneAndPrintsEachWithItsPosition()
    {
        var path = _environment.Directory.WriteFile("bad.toml", ThreeMistakes);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                $"{path}:1:17: ports[1]: port must be between 1 and 65535, got 0",
                $"{path}:2:13: bind_addr: 'nope' is not an IP address",
                $"{path}:5:1: groups.0.drian: unknown key (did you mean `drain`?)",
                "3 errors; the configuration was not loaded",
            ],
            Lines(result.StandardError));
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task CheckConfig_ValuesOutOfRangeAndControlCharacters_PrintsEachAtItsPositionEscaped()
    {
        var path = _environment.Directory.WriteFile("limits.toml", """
            ports = [ 5280 ]
            connect_timeout = 1e-300
            "k\u0001ey" = 1
            a.b.c.d = 1
            [groups.0]
            portmap = "127.0.0.1"
            [[groups.0.healthchecks]]
            interval = 1e-9
            """);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                $"{path}:2:19: connect_timeout: must be at least 0.001 s (1 ms), got 1e-300",
                $"{path}:3:1: k\\u0001ey: unknown key",
                $"{path}:4:1: a: unknown key",
                $"{path}:8:12: groups.0.healthchecks[0].interval: must be at least 0.01 s (10 ms), got 1e-09",
                "4 errors; the configuration was not loaded",
            ],
            Lines(result.StandardError));
    }

    [Theory]
    [InlineData("x = ", "[", 2, 37)]
    [InlineData("x = ", "{a = ", 2, 165)]
    [InlineData("", "[", 2, 35)]
    public async Task CheckConfig_NestedTooDeep_ExitsOneAndPrintsThePositionWithoutAStackTrace(string prefix, string open, int line, int column)
    {
        var path = _environment.Directory.WriteFile("deep.toml", "ports = [ 5280 ]\n" + prefix + string.Concat(Enumerable.Repeat(open, 100_000)));

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                $"{path}:{line}:{column}: arrays and inline tables nest deeper than 32 levels",
                "1 error; the configuration was not loaded",
            ],
            Lines(result.StandardError));
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task CheckConfig_MissingFile_ExitsOneNamingThePath()
    {
        var path = _environment.Directory.Combine("absent.toml");

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = Lines(result.StandardError);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"{path}: cannot read the configuration file", lines[0], StringComparison.Ordinal);
        Assert.Equal("1 error; the configuration was not loaded", lines[1]);
    }

    [Fact]
    public async Task CheckConfig_WithoutConfigOption_UsesTcpffeeConfigPath()
    {
        var path = _environment.Directory.WriteFile("from-env.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config"], _environment.Variables(("TCPFFEE_CONFIG_PATH", path)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"{path}: OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_BrokenFileInTcpffeeConfigPath_ReportsItsPath()
    {
        var path = _environment.Directory.WriteFile("from-env.toml", ThreeMistakes);

        var result = await ServerProcess.RunAsync(["check-config"], _environment.Variables(("TCPFFEE_CONFIG_PATH", path)));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{path}:1:17: ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_ConfigOption_OverridesTcpffeeConfigPath()
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);
        var variables = _environment.Variables(("TCPFFEE_CONFIG_PATH", _environment.Directory.Combine("absent.toml")));

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], variables);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"{path}: OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_BadEnvironmentVariable_ExitsOneNamingIt()
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables(("TCPFFEE_KEY_TYPE", "HASH")));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                "TCPFFEE_KEY_TYPE: must be IP or IP_WITH_FIRST_MESSAGE_SLICE, got 'HASH'",
                "1 error; the configuration was not loaded",
            ],
            Lines(result.StandardError));
        Assert.Equal("", result.StandardOutput);
    }

    [Theory]
    [InlineData("", "TCPFFEE_API_TOKEN: is set but empty")]
    [InlineData("   ", "TCPFFEE_API_TOKEN: is set but empty")]
    [InlineData(" s3cret\n", "TCPFFEE_API_TOKEN: has leading or trailing whitespace")]
    public async Task CheckConfig_BadApiToken_ExitsOneNamingIt(string token, string expected)
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables(("TCPFFEE_API_TOKEN", token)));

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = Lines(result.StandardError);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.Equal("1 error; the configuration was not loaded", lines[1]);
        Assert.DoesNotContain("s3cret", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Theory]
    [InlineData("", "TCPFFEE_API_TOKEN: is set but empty")]
    [InlineData("s3cret ", "TCPFFEE_API_TOKEN: has leading or trailing whitespace")]
    public async Task Run_BadApiToken_ExitsOneWithoutStarting(string token, string expected)
    {
        // Free ports rather than ValidConfig's fixed ones: a proxy that wrongly starts must not take a port another test uses.
        var path = _environment.Directory.WriteFile("good.toml", TestConfig.Toml(FreePorts.Next(), [new TestGroup(0, new IPEndPoint(IPAddress.Loopback, FreePorts.Next()))]));

        var result = await ServerProcess.RunAsync(["--config", path], _environment.Variables(("TCPFFEE_API_TOKEN", token)));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(Lines(result.StandardError), l => l.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(_environment.PidPath), "a PID file was written: the proxy started");
    }

    [Fact]
    public async Task CheckConfig_NodeMacNotAmongPeers_ExitsOneNamingTheMac()
    {
        var path = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], _environment.Variables(("TCPFFEE_NODE_MAC", "02:00:00:00:00:09")));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("this node is not in [[peers]]", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("02:00:00:00:00:09", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task CheckConfig_BadEnvironmentAndBadFile_ReportsBoth()
    {
        var path = _environment.Directory.WriteFile("bad.toml", ThreeMistakes);
        var variables = _environment.Variables(("TCPFFEE_NODE_MAC", "nope"), ("RUST_LOG", "x=bogus"));

        var result = await ServerProcess.RunAsync(["check-config", "--config", path], variables);

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = Lines(result.StandardError);
        Assert.Equal(6, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("TCPFFEE_NODE_MAC: 'nope' is not a MAC address", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("RUST_LOG: 'x=bogus' is not a directive", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.StartsWith(path + ":", StringComparison.Ordinal)));
        Assert.Equal("5 errors; the configuration was not loaded", lines[^1]);
    }

    [Fact]
    public async Task Run_BrokenConfig_ExitsOneNamingLineAndColumn()
    {
        var path = _environment.Directory.WriteFile("bad.toml", ThreeMistakes);

        var result = await ServerProcess.RunAsync(["--config", path], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = Lines(result.StandardError);
        Assert.Contains($"{path}:1:17: ports[1]: port must be between 1 and 65535, got 0", lines);
        Assert.Contains($"{path}:2:13: bind_addr: 'nope' is not an IP address", lines);
        Assert.Contains($"{path}:5:1: groups.0.drian: unknown key (did you mean `drain`?)", lines);
    }

    [Fact]
    public async Task Run_MissingConfig_ExitsOneNamingThePath()
    {
        var path = _environment.Directory.Combine("absent.toml");

        var result = await ServerProcess.RunAsync([], _environment.Variables(("TCPFFEE_CONFIG_PATH", path)));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{path}: cannot read the configuration file", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_ExitsZeroAndPrintsTheServerVersion()
    {
        var expected = typeof(TcpffeeCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var result = await ServerProcess.RunAsync(["--version"], _environment.Variables());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.StandardOutput.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", expected);
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
