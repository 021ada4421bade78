using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cli;

/// <summary>The built server run with no verb, as the long-running proxy.</summary>
public sealed class RunTests : IDisposable
{
    private readonly ServerEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Run_ValidConfig_RunsUntilSignalledThenExitsZero(string signal)
    {
        var config = _environment.Directory.WriteFile("good.toml", LoopbackConfig());
        await using var server = ServerProcess.Start(["--config", config], _environment.Variables());

        await server.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains("tcpffee ", StringComparison.Ordinal) && l.Contains(" started (PID", StringComparison.Ordinal));
        Assert.False(server.Process.HasExited, server.Describe());
        await server.SignalAsync(signal);

        Assert.Equal(0, await server.WaitForExitAsync());
    }

    /// <summary>A valid configuration whose every socket is a loopback port free right now, so parallel servers do not collide.</summary>
    private static string LoopbackConfig() => $"""
        bind_addr = "127.0.0.1"
        stats_bind_socket = "127.0.0.1:{FreePorts.Next()}"
        raft_healthchecks_logs_bind_socket = "127.0.0.1:{FreePorts.Next()}"
        raft_stick_table_logs_bind_socket = "127.0.0.1:{FreePorts.Next()}"
        raft_healthchecks_proposals_bind_socket = "127.0.0.1:{FreePorts.Next()}"
        raft_stick_table_proposals_bind_socket = "127.0.0.1:{FreePorts.Next()}"
        ports = [ {FreePorts.Next()} ]
        [groups.0]
        portmap = "127.0.0.1"
        """;
}
