using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Health;

/// <summary>Passes when every endpoint of the group accepts a TCP connection within the check's timeout.</summary>
internal sealed class TcpProbe : IHealthCheck
{
    private readonly IReadOnlyList<IPEndPoint> _endpoints;
    private readonly ProxyProtocolVersion? _sendProxy;

    /// <param name="endpoints">Every endpoint that must accept.</param>
    /// <param name="sendProxy">With <c>send_proxy_checks</c>: the PROXY header version to send after connecting.</param>
    public TcpProbe(IReadOnlyList<IPEndPoint> endpoints, ProxyProtocolVersion? sendProxy = null)
    {
        _endpoints = endpoints;
        _sendProxy = sendProxy;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = await Task.WhenAll(_endpoints.Select(e => ConnectAsync(e, _sendProxy, cancellationToken))).ConfigureAwait(false);
        var failed = failures.Where(f => f is not null).ToList();
        return failed.Count == 0
            ? HealthCheckResult.Healthy($"{_endpoints.Count} endpoint(s) accepted")
            : HealthCheckResult.Unhealthy(string.Join("; ", failed));
    }

    private static async Task<string?> ConnectAsync(IPEndPoint endpoint, ProxyProtocolVersion? sendProxy, CancellationToken cancellation)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);
            if (sendProxy is { } version)
            {
                await socket.SendAsync(
                    ProxyHeaderWriter.Write(version, (IPEndPoint)socket.LocalEndPoint!, endpoint), SocketFlags.None, cancellation).ConfigureAwait(false);
            }

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
