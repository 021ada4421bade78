using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tcpffee.Tests.Common;

/// <content>The host's stats endpoint: where it listens, a client of it, and what its JSON and metrics say.</content>
internal sealed partial class ProxyHost
{
    private HttpClient? _http;

    /// <summary>The base address of the stats endpoint, as bound.</summary>
    public Uri StatsAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public IPEndPoint StatsEndPoint => new(IPAddress.Parse(StatsAddress.Host.Trim('[', ']')), StatsAddress.Port);

    /// <summary>A client of the stats endpoint whose connections leave from the stats address itself (follows redirects).</summary>
    public HttpClient Http => _http ??= CreateClient(StatsAddress, StatsEndPoint.Address);

    /// <summary>A client of <paramref name="baseAddress"/> whose connections leave from <paramref name="source"/>, so the server sees that address as the client's.</summary>
    public static HttpClient CreateClient(Uri baseAddress, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Eventually.DefaultTimeout };
    }

    /// <summary>GETs <paramref name="path"/> on the stats endpoint and parses the JSON; fails unless it succeeded.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The sum of a counter's series in <c>/metrics</c> that carry every given label value.</summary>
    public async Task<double> CounterAsync(string name, params (string Label, string Value)[] labels) =>
        PrometheusText.Parse(await Http.GetStringAsync("metrics")).Find(name, labels).Sum(s => s.Value);

    /// <summary><c>tcpffee_connections_rejected_total</c> for <paramref name="reason"/> on this host's port.</summary>
    public Task<double> RejectedAsync(string reason) =>
        CounterAsync("tcpffee_connections_rejected_total", ("port", Port.ToString(CultureInfo.InvariantCulture)), ("reason", reason));

    /// <summary>Polls <c>/metrics</c> until the rejections for <paramref name="reason"/> reach <paramref name="count"/>.</summary>
    public Task<double> WaitForRejectedAsync(string reason, double count) =>
        Eventually.UntilAsync(() => RejectedAsync(reason), n => n >= count, $"{count} rejection(s) with reason {reason}");
}
