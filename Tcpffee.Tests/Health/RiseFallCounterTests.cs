using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Health;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Health.Support;

namespace Tcpffee.Tests.Health;

/// <summary>Counting probe results into a running check: only the result that takes it down or up is reported.</summary>
public sealed class RiseFallCounterTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly LogCapture _log = new();

    private static RunningCheck NewCheck(int fall, int rise, HealthCheckStatus? status = null)
    {
        var config = TestConfig.Tcp(fall: fall, rise: rise);
        IReadOnlyList<IPEndPoint> endpoints = [new(IPAddress.Loopback, 9)];
        return new RunningCheck(HealthCheckIdentity.For(3, config, endpoints), config, endpoints, new NeverRun(), status ?? HealthCheckStatus.Initial);
    }

    /// <summary>Each result is "+" (passed) or "-" (failed); the expected reports are "1" (went up or down) or "0".</summary>
    [Theory]
    [InlineData(3, 2, true, "---", "001", false)]
    [InlineData(3, 2, true, "--+--", "00000", true)]
    [InlineData(1, 2, true, "-", "1", false)]
    [InlineData(1, 2, true, "-+-++", "10001", true)]
    [InlineData(3, 2, false, "++", "01", true)]
    [InlineData(3, 1, false, "+", "1", true)]
    [InlineData(3, 2, true, "++++", "0000", true)]
    public void Count_Results_ReportsOnlyTheChanges(int fall, int rise, bool upBefore, string results, string expected, bool upAfter)
    {
        var counter = new RiseFallCounter(TestMetrics.Create(), _log.CreateLogger<RiseFallCounter>());
        using var check = NewCheck(fall, rise, HealthCheckStatus.Initial with { Up = upBefore });

        var reports = string.Concat(results.Select(r => counter.Count(check, new ProbeResult(r == '+', r == '+' ? "ok" : "refused", At)) ? '1' : '0'));

        Assert.Equal(expected, reports);
        Assert.Equal(upAfter, check.Status.Up);
        Assert.Equal(expected.Count(c => c == '1'), _log.Entries.Count);
    }

    [Fact]
    public void Count_WentDown_LogsTheCheckAndTheReason()
    {
        var counter = new RiseFallCounter(TestMetrics.Create(), _log.CreateLogger<RiseFallCounter>());
        using var check = NewCheck(fall: 1, rise: 2);

        counter.Count(check, new ProbeResult(false, "connection refused", At));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal($"Health check {check.Identity} (tcp): up=True -> up=False: connection refused", entry.Message);
        Assert.Equal(At, check.Status.LastChange);
    }

    private sealed class NeverRun : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the counter never probes");
    }

    public void Dispose() => _log.Dispose();
}
