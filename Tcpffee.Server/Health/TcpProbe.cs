using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tcpffee.Health;

/// <summary>Passes when every endpoint of the group accepts a TCP connection within the check's timeout.</summary>
internal sealed class TcpProbe : IHealthCheck
{
    private readonly IReadOnlyList<IPEndPoint> _endpoints;

    public TcpProbe(IReadOnlyList<IPEndPoint> endpoints)
    {
        _endpoints = endpoints;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = await Task.WhenAll(_endpoints.Select(e => ConnectAsync(e, cancellationToken))).ConfigureAwait(false);
        var failed = failures.Where(f => f is not null).ToList();
        return failed.Count == 0
            ? HealthCheckResult.Healthy($"{_endpoints.Count} endpoint(s) accepted")
            : HealthCheckResult.Unhealthy(string.Join("; ", failed));
    }

    private static async Task<string?> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellation)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);

            // Close with a reset: a probe sends nothing, and a FIN would leave the backend a TIME_WAIT per check.
            socket.LingerState = new LingerOption(true, 0);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"{endpoint}: timeout";
        }
        catch (SocketException ex)
        {
            return $"{endpoint}: {ProbeMessages.Describe(ex.SocketErrorCode)}";
        }
    }
}
