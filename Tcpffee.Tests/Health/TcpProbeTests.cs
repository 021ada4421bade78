using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Health;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

public sealed class TcpProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CheckHealthAsync_EveryEndpointAccepts_IsHealthy()
    {
        await using var first = NamedBackend.Start("a");
        await using var second = NamedBackend.Start("b");
        var probe = new TcpProbe([first.EndPoint, second.EndPoint]);

        var result = await CheckAsync(probe);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("2 endpoint(s) accepted", result.Description);
        await Eventually.HoldsAsync(() => first.Accepted == 1 && second.Accepted == 1, "each backend to see one connection", diagnostics: () => $"{first.Accepted}, {second.Accepted}");
    }

    [Fact]
    public async Task CheckHealthAsync_OneEndpointRefuses_IsUnhealthyNamingOnlyThatEndpoint()
    {
        await using var up = NamedBackend.Start("up");
        using var down = new RefusedPort();
        var probe = new TcpProbe([up.EndPoint, down.EndPoint]);

        var result = await CheckAsync(probe);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"{down.EndPoint}: connection refused", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_BackendStopsThenListensAgain_FollowsIt()
    {
        await using var backend = NamedBackend.Start("a");
        var probe = new TcpProbe([backend.EndPoint]);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(probe)).Status);

        await backend.StopAsync();
        var down = await CheckAsync(probe);
        backend.Restart();
        var again = await CheckAsync(probe);

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("connection refused", down.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, again.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_CancelledBeforeConnecting_ReportsTimeout()
    {
        await using var backend = NamedBackend.Start("a");
        var probe = new TcpProbe([backend.EndPoint]);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await probe.CheckHealthAsync(new HealthCheckContext(), cancelled.Token).WaitAsync(Timeout);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"{backend.EndPoint}: timeout", result.Description);
    }

    private static Task<HealthCheckResult> CheckAsync(TcpProbe probe) =>
        probe.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None).WaitAsync(Timeout);
}
