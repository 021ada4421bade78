using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tcpffee.Tests.Cli;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Functional;

/// <summary>The built server on SIGTERM: stops accepting at once, serves open connections for shutdown_timeout, saves, exits 0.</summary>
[Collection(TimingSensitive.Name)]
public sealed class ShutdownTests : IDisposable
{
    private readonly ServerEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public async Task SigTerm_ConnectionOpen_RefusesNewServesOpenThenExitsZeroWhenItCloses()
    {
        await using var backend = TestBackend.Echo();
        var (server, port) = await StartServerAsync(backend.EndPoint, shutdownTimeoutSeconds: 30);
        await using var disposeServer = server;
        Assert.True(File.Exists(_environment.PidPath), "no PID file while running");
        Assert.Equal(server.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(_environment.PidPath).Trim());
        using var client = await TestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), 2);
        Assert.Equal("before", await client.AskAsync("before\n"));

        await server.SignalAsync("TERM");
        await Eventually.HoldsAsync(() => TestClient.IsRefusedAsync(port), "new connections are refused", TimeSpan.FromSeconds(5));

        Assert.Equal("during", await client.AskAsync("during\n"));
        Assert.False(server.Process.HasExited, "the server exited while a connection was still open");
        client.ShutdownSend();
        var (_, end) = await client.ReadToEndAsync();
        Assert.Equal(StreamEnd.Eof, end);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(_environment.PidPath), "the PID file is still there after exit");
        Assert.True(File.Exists(_environment.Directory.Combine("stick_table")), "the stick table was not saved\n" + server.Describe());
    }

    [Fact]
    public async Task SigTerm_ConnectionOpenLongerThanTwoSeconds_StillServedThenExitsZero()
    {
        await using var backend = TestBackend.Echo();
        var (server, port) = await StartServerAsync(backend.EndPoint, shutdownTimeoutSeconds: 30);
        await using var disposeServer = server;
        using var client = await TestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), 2);
        Assert.Equal("before", await client.AskAsync("before\n"));

        await server.SignalAsync("TERM");
        var sinceSignal = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => TestClient.IsRefusedAsync(port), "new connections are refused", TimeSpan.FromSeconds(5));

        // The grace period itself is under test: the connection must outlive 3 s of it (well inside shutdown_timeout = 30).
        await Task.Delay(TimeSpan.FromSeconds(3) - sinceSignal.Elapsed);

        Assert.False(server.Process.HasExited, $"the server exited {sinceSignal.Elapsed} after SIGTERM with connections open and shutdown_timeout = 30:\n{server.Describe()}");
        Assert.Equal("during", await client.AskAsync("during\n"));
        client.ShutdownSend();
        await client.ReadToEndAsync();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(_environment.PidPath), "the PID file is still there after exit");
        Assert.True(File.Exists(_environment.Directory.Combine("stick_table")), "the stick table was not saved");
    }

    [Fact]
    public async Task SigTerm_ConnectionLeftOpenPastShutdownTimeout_ClosedAndExitsZero()
    {
        await using var backend = TestBackend.Echo();
        var (server, port) = await StartServerAsync(backend.EndPoint, shutdownTimeoutSeconds: 1);
        await using var disposeServer = server;
        using var client = await TestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), 2);
        Assert.Equal("before", await client.AskAsync("before\n"));

        await server.SignalAsync("TERM");
        var sinceSignal = Stopwatch.StartNew();
        var (data, _) = await client.ReadToEndAsync();

        Assert.Empty(data);
        Assert.True(sinceSignal.Elapsed >= TimeSpan.FromSeconds(0.8), $"closed {sinceSignal.Elapsed} after SIGTERM, before shutdown_timeout (1 s)");
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(_environment.PidPath), "the PID file is still there after exit");
    }

    private async Task<(ServerProcess Server, int Port)> StartServerAsync(IPEndPoint backend, int shutdownTimeoutSeconds)
    {
        var (server, ports) = await ServerProcess.StartOnFreePortsAsync(
            2,
            ports => ["--config", _environment.Directory.WriteFile("tcpffee.toml", Config(ports[0], ports[1], backend, shutdownTimeoutSeconds))],
            _environment.Variables(),
            ServerProcess.IsStartedLine);
        return (server, ports[0]);
    }

    private static string Config(int port, int statsPort, IPEndPoint backend, int shutdownTimeoutSeconds) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            bind_addr = "127.0.0.1"
            stats_bind_socket = "127.0.0.1:{statsPort}"
            ports = [ {port} ]
            shutdown_timeout = {shutdownTimeoutSeconds}
            [groups.0.portmap]
            {port} = "{backend}"
            """);
}
