using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Health;

/// <summary>Builds the probe a check runs, and runs it once within the check's timeout, describing the outcome.</summary>
internal sealed partial class ProbeRunner : IDisposable
{
    private readonly Lock _httpLock = new();
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeRunner> _logger;

    // Made for the first HTTP check: a proxy without one does not load System.Net.Http, nor compile its handler. Not a
    // Lazy<HttpMessageInvoker>, whose construction alone would load the assembly.
    private HttpMessageInvoker? _http;

    public ProbeRunner(TimeProvider time, ILogger<ProbeRunner> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The probe for <paramref name="check"/>, and what only it uses (its own HTTP client), to release with it. Probes
    /// share one HTTP client, except those that start every connection with a PROXY header.
    /// </summary>
    public (IHealthCheck Probe, IDisposable? Owned) Create(HealthCheckConfig check, IReadOnlyList<IPEndPoint> endpoints, ProxyProtocolVersion? sendProxy)
    {
        var ownClient = check.Http is not null && sendProxy is not null ? HttpProbe.CreateClient(sendProxy) : null;
        var probe = check.Http is { } http
            ? (IHealthCheck)new HttpProbe(endpoints, http, ownClient ?? SharedClient())
            : new TcpProbe(endpoints, sendProxy);
        return (probe, ownClient);
    }

    /// <summary>Runs <paramref name="check"/>'s probe once; a probe that outlasts the timeout fails with "timeout".</summary>
    public async Task<ProbeResult> ProbeAsync(RunningCheck check, CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(check.Config.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        var registration = new HealthCheckRegistration(check.Identity.ToString(), check.Probe, HealthStatus.Unhealthy, null, check.Config.Timeout);
        HealthCheckResult result;
        try
        {
            result = await check.Probe.CheckHealthAsync(new HealthCheckContext { Registration = registration }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            result = HealthCheckResult.Unhealthy("timeout");
        }

        var passed = result.Status == HealthStatus.Healthy;
        var message = result.Description ?? (passed ? "passed" : "failed");
        if (!passed && timeout.IsCancellationRequested)
        {
            message = $"timeout after {check.Config.Timeout.TotalMilliseconds:0} ms ({message})";
        }

        stopping.ThrowIfCancellationRequested();
        var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
        LogProbe(check.Identity, passed, message, milliseconds);
        return new ProbeResult(passed, message, _time.GetUtcNow());
    }

    private HttpMessageInvoker SharedClient()
    {
        lock (_httpLock)
        {
            return _http ??= HttpProbe.CreateClient();
        }
    }

    public void Dispose()
    {
        lock (_httpLock)
        {
            _http?.Dispose();
        }
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Probe {Check}: passed={Passed} in {Milliseconds:F1} ms: {Message}")]
    private partial void LogProbe(HealthCheckIdentity check, bool passed, string message, double milliseconds);
}
