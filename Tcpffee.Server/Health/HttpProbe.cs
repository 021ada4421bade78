using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Health;

/// <summary>
/// Sends the configured request to every endpoint of the group and passes when each answers the expected status within
/// the check's timeout. Redirects are not followed, and every probe opens a new connection, as a new client would.
/// </summary>
internal sealed class HttpProbe : IHealthCheck
{
    private readonly IReadOnlyList<IPEndPoint> _endpoints;
    private readonly HttpCheckConfig _settings;
    private readonly HttpMessageInvoker _client;

    public HttpProbe(IReadOnlyList<IPEndPoint> endpoints, HttpCheckConfig settings, HttpMessageInvoker client)
    {
        _endpoints = endpoints;
        _settings = settings;
        _client = client;
    }

    /// <summary>
    /// The handler for HTTP probes: no redirects, no proxy, no pooled connections, no cookies. With
    /// <paramref name="sendProxy"/>, every connection starts with a PROXY header, as the group's traffic does.
    /// </summary>
    public static HttpMessageInvoker CreateClient(ProxyProtocolVersion? sendProxy = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
        };

        if (sendProxy is { } version)
        {
            handler.ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation).ConfigureAwait(false);
                    var header = ProxyHeaderWriter.Write(version, (IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)socket.RemoteEndPoint!);
                    await socket.SendAsync(header, SocketFlags.None, cancellation).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpMessageInvoker(handler);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = await Task.WhenAll(_endpoints.Select(e => SendAsync(e, cancellationToken))).ConfigureAwait(false);
        var failed = failures.Where(f => f is not null).ToList();
        return failed.Count == 0
            ? HealthCheckResult.Healthy($"{_endpoints.Count} endpoint(s) answered {_settings.Status}")
            : HealthCheckResult.Unhealthy(string.Join("; ", failed));
    }

    private async Task<string?> SendAsync(IPEndPoint endpoint, CancellationToken cancellation)
    {
        using var request = BuildRequest(endpoint);
        try
        {
            using var response = await _client.SendAsync(request, cancellation).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status == _settings.Status
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"{endpoint}: status {status}, expected {_settings.Status}");
        }
        catch (OperationCanceledException)
        {
            return $"{endpoint}: timeout";
        }
        catch (HttpRequestException ex)
        {
            return ex.InnerException is SocketException socket
                ? $"{endpoint}: {ProbeMessages.Describe(socket.SocketErrorCode)}"
                : $"{endpoint}: {ex.Message}";
        }
    }

    private HttpRequestMessage BuildRequest(IPEndPoint endpoint)
    {
        var host = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var uri = new Uri($"http://{host}:{endpoint.Port}{_settings.Target}");
        var request = new HttpRequestMessage(_settings.Method == HttpCheckMethod.Post ? HttpMethod.Post : HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        if (_settings.Body is { } body)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        foreach (var (name, value) in _settings.Headers)
        {
            // Content-Type and its kind are content headers: they only go on the content, which a GET may need just for them.
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }
}
