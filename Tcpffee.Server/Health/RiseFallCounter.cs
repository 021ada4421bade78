using Tcpffee.Diagnostics;

namespace Tcpffee.Health;

/// <summary>
/// Counts each probe result into its check's status (down after <c>fall</c> consecutive failures, up after
/// <c>rise</c> consecutive passes, by <see cref="HealthCheckStatus.Record"/>), and reports the checks that went up or down.
/// </summary>
internal sealed partial class RiseFallCounter
{
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<RiseFallCounter> _logger;

    public RiseFallCounter(ProxyMetrics metrics, ILogger<RiseFallCounter> logger)
    {
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Records <paramref name="result"/> on <paramref name="check"/>; returns true when the check went up or down.</summary>
    public bool Count(RunningCheck check, ProbeResult result)
    {
        _metrics.Probed(check.Identity.GroupId, check.Identity.Index, result.Passed);
        var before = check.Status;
        var after = before.Record(result, check.Config.Rise, check.Config.Fall);
        check.SetStatus(after);
        if (before.Up == after.Up)
        {
            return false;
        }

        LogCheckChanged(check.Identity, check.Kind, before.Up, after.Up, result.Message);
        return true;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Health check {Check} ({Kind}): up={WasUp} -> up={IsUp}: {Reason}")]
    private partial void LogCheckChanged(HealthCheckIdentity check, string kind, bool wasUp, bool isUp, string reason);
}
