using System.Diagnostics;
using System.Globalization;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cli;

/// <summary>The <c>reload</c> verb of the built server: it validates the configuration, then signals the PID in the PID file.</summary>
public sealed class ReloadTests : IDisposable
{
    private readonly ServerEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public async Task Reload_NoPidFile_ExitsOneSayingSo()
    {
        var config = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["reload", "--config", config], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith($"{_environment.PidPath}: no PID file; is tcpffee running?", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Reload_PidFileNamingDeadProcess_ExitsOneSayingStale()
    {
        // Linux hands out PIDs below pid_max only, so pid_max itself never names a live process.
        var deadPid = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);
        File.WriteAllText(_environment.PidPath, $"{deadPid}\n");
        var config = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["reload", "--config", config], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"{_environment.PidPath}: PID {deadPid} is not running (stale PID file)\n", result.StandardError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tcpffee\n")]
    [InlineData("-5\n")]
    [InlineData("0\n")]
    public async Task Reload_PidFileWithoutProcessId_ExitsOneSayingSo(string contents)
    {
        File.WriteAllText(_environment.PidPath, contents);
        var config = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

        var result = await ServerProcess.RunAsync(["reload", "--config", config], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"{_environment.PidPath}: does not hold a process id\n", result.StandardError);
    }

    [Fact]
    public async Task Reload_BrokenConfig_ExitsOneSayingReloadNotSent()
    {
        var config = _environment.Directory.WriteFile("bad.toml", "ports = [ 0 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n");

        var result = await ServerProcess.RunAsync(["reload", "--config", config], _environment.Variables());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            $"{config}:1:11: ports[0]: port must be between 1 and 65535, got 0\n"
            + "1 error; the configuration was not loaded\n"
            + "reload not sent: the running proxy keeps its current configuration\n",
            result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Reload_LiveProcess_SendsItSigusr1()
    {
        using var target = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start sleep");
        try
        {
            File.WriteAllText(_environment.PidPath, target.Id.ToString(CultureInfo.InvariantCulture) + "\n");
            var config = _environment.Directory.WriteFile("good.toml", ServerEnvironment.ValidConfig);

            var result = await ServerProcess.RunAsync(["reload", "--config", config], _environment.Variables());

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"sent SIGUSR1 to tcpffee (PID {target.Id} from {_environment.PidPath})", result.StandardOutput, StringComparison.Ordinal);

            // sleep does not handle SIGUSR1, so it dies of it: .NET reports 128 + 10.
            using var timeout = new CancellationTokenSource(ServerProcess.DefaultTimeout);
            await target.WaitForExitAsync(timeout.Token);
            Assert.Equal(128 + 10, target.ExitCode);
        }
        finally
        {
            if (!target.HasExited)
            {
                target.Kill();
            }
        }
    }
}
