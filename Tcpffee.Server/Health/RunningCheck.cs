using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;

namespace Tcpffee.Health;

/// <summary>One scheduled health check: its settings, its probe, its current status, and the loop that runs it.</summary>
internal sealed class RunningCheck : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private HealthCheckStatus _status;

    private readonly IDisposable? _owned;

    /// <param name="owned">What only this check's probe uses (its own HTTP client), released with the check.</param>
    public RunningCheck(
        HealthCheckIdentity identity, HealthCheckConfig config, IReadOnlyList<IPEndPoint> endpoints, IHealthCheck probe, HealthCheckStatus status, IDisposable? owned = null)
    {
        _owned = owned;
        Identity = identity;
        Config = config;
        Endpoints = endpoints;
        Probe = probe;
        _status = status;
    }

    public HealthCheckIdentity Identity { get; }

    public HealthCheckConfig Config { get; }

    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public IHealthCheck Probe { get; }

    public string Kind => Config.Http is null ? "tcp" : "http";

    public HealthCheckStatus Status => Volatile.Read(ref _status);

    public CancellationToken Stopping => _stop.Token;

    public Task Loop { get; set; } = Task.CompletedTask;

    public void SetStatus(HealthCheckStatus status) => Volatile.Write(ref _status, status);

    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The loop already ended and released its token.
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _owned?.Dispose();
    }
}
