using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Reload;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>
/// The proxy host in-process on loopback, from a configuration built in code with its one proxied port written as
/// <see cref="ConfiguredPort"/> (0); its stats endpoint on a free port, its files in a temp directory.
/// </summary>
/// <remarks>
/// Port 0 would bind an ephemeral port, but the metrics label rejections with the configured port, and the OpenTelemetry
/// meter provider of every host in this process collects every "Tcpffee" meter, so hosts running side by side would read
/// each other's counters. The configured port is therefore replaced, in <c>ports</c> and the portmaps, by a port found free,
/// and counters are read for that port only.
/// </remarks>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    /// <summary>The port the configurations name; <see cref="StartAsync"/> replaces it with a free port.</summary>
    public const int ConfiguredPort = 0;

    private readonly WebApplication _app;
    private readonly TempDirectory _directory;
    private readonly LogCapture _logs;

    private LoopbackProxy(WebApplication app, TempDirectory directory, LogCapture logs, IPEndPoint stats)
    {
        ConfigPath = app.Services.GetRequiredService<TcpffeeEnvironment>().ConfigPath;
        _app = app;
        _directory = directory;
        _logs = logs;
        StatsEndPoint = stats;
        Http = new HttpClient { BaseAddress = new Uri($"http://{stats}/"), Timeout = Eventually.DefaultTimeout };
        var listening = (IPEndPoint)app.Services.GetRequiredService<ProxyListenerManager>().EndPoints.Single();
        Port = listening.Port;
        ListeningEndPoint = listening;
    }

    /// <summary>The actual port of the proxied listener.</summary>
    public int Port { get; }

    /// <summary>What the listener is bound to (a wildcard address for <c>0.0.0.0</c> or <c>::</c>).</summary>
    public IPEndPoint ListeningEndPoint { get; }

    /// <summary>Where a client connects: the bound address, or IPv4 loopback for a wildcard.</summary>
    public IPEndPoint EndPoint =>
        ListeningEndPoint.Address.Equals(IPAddress.Any) || ListeningEndPoint.Address.Equals(IPAddress.IPv6Any)
            ? new IPEndPoint(IPAddress.Loopback, Port)
            : ListeningEndPoint;

    public IPEndPoint StatsEndPoint { get; }

    /// <summary>The file a reload reads (it does not exist until <see cref="ReloadAsync"/> writes it).</summary>
    public string ConfigPath { get; }

    /// <summary>A client for the stats endpoint.</summary>
    public HttpClient Http { get; }

    /// <summary>Every log line so far, for failure messages.</summary>
    public string Logs => _logs.Text;

    public IReadOnlyList<StickEntrySnapshot> StickEntries => _app.Services.GetRequiredService<IStickTable>().Snapshot();

    /// <summary>A configuration with the given groups, listening on 127.0.0.1, entries kept a minute, nothing waited for at stop.</summary>
    public static TcpffeeConfig Config(params GroupConfig[] groups) => new()
    {
        SourcePath = "(built in code)",
        BindAddress = IPAddress.Loopback,
        Ports = [ConfiguredPort],
        Groups = [.. groups],
        Expiration = TimeSpan.FromMinutes(1),
        ShutdownTimeout = TimeSpan.Zero,
    };

    /// <summary>A group that forwards the proxied port to <paramref name="backend"/>.</summary>
    public static GroupConfig Group(int id, IPEndPoint backend, params HealthCheckConfig[] checks) =>
        new(id, PortMapConfig.ForTable([new(ConfiguredPort, backend)]), Drain: false, Disabled: false, [.. checks]);

    /// <summary>Starts the host; <paramref name="environment"/> may change the environment (key type, say) after its paths are set.</summary>
    public static async Task<LoopbackProxy> StartAsync(TcpffeeConfig config, Func<TcpffeeEnvironment, TcpffeeEnvironment>? environment = null)
    {
        var directory = new TempDirectory();
        try
        {
            var env = new TcpffeeEnvironment
            {
                ConfigPath = directory.Combine("tcpffee.toml"),
                PidPath = directory.Combine("tcpffee.pid"),
                HealthCheckSavePath = directory.Combine("healthcheck_state"),
                StickTableSavePath = directory.Combine("stick_table"),
                DataDir = directory.Combine("data"),
            };
            env = environment?.Invoke(env) ?? env;

            // The stats port is found free and released before the host binds it: another process may take it in between, so retry.
            for (var attempt = 1; ; attempt++)
            {
                var stats = new IPEndPoint(IPAddress.Loopback, FreePorts.Next(IPAddress.Loopback));
                var logs = new LogCapture();
                var actual = OnPort(config, FreePorts.Next(config.BindAddress)) with { StatsBindSocket = stats };
                var app = TcpffeeHost.Build(new StartupSettings(env, actual), builder =>
                {
                    builder.Logging.ClearProviders();
                    builder.Logging.AddProvider(logs);
                });
                try
                {
                    using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
                    await app.StartAsync(timeout.Token);
                    return new LoopbackProxy(app, directory, logs, stats);
                }
                catch (Exception ex) when (attempt < 5 && IsAddressInUse(ex))
                {
                    await app.DisposeAsync();
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Connects a client to the proxied port from <paramref name="from"/>.</summary>
    public Task<TestClient> ConnectAsync(IPAddress? from = null) => TestClient.ConnectAsync(EndPoint, from);

    /// <summary>The sum of a counter's series in <c>/metrics</c> that carry every given label value.</summary>
    public async Task<double> CounterAsync(string name, params (string Label, string Value)[] labels)
    {
        var text = await Http.GetStringAsync("metrics");
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal)
                && labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary><c>tcpffee_connections_rejected_total</c> for <paramref name="reason"/> on this proxy's port.</summary>
    public Task<double> RejectedAsync(string reason) =>
        CounterAsync("tcpffee_connections_rejected_total", ("port", Port.ToString(CultureInfo.InvariantCulture)), ("reason", reason));

    /// <summary>Polls <c>/metrics</c> until the rejections for <paramref name="reason"/> reach <paramref name="count"/>.</summary>
    public Task<double> WaitForRejectedAsync(string reason, double count) =>
        Eventually.UntilAsync(() => RejectedAsync(reason), n => n >= count, $"{count} rejection(s) with reason {reason}");

    /// <summary>Writes <paramref name="toml"/> as the configuration file and reloads it, as SIGUSR1 does; fails unless it was applied.</summary>
    public async Task ReloadAsync(string toml)
    {
        await File.WriteAllTextAsync(ConfigPath, toml);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var result = await _app.Services.GetRequiredService<ConfigReloadService>().ReloadNowAsync(timeout.Token);
        Assert.True(result.Applied, $"the reload was refused: {result.Summary} {string.Join("; ", result.Errors)}");
    }

    /// <summary>GETs <paramref name="path"/> on the stats endpoint and parses the JSON.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            Http.Dispose();
            _directory.Dispose();
        }
    }

    public override string ToString() => $"proxy on {ListeningEndPoint}, stats on {StatsEndPoint}; log:{Environment.NewLine}{Logs}";

    /// <summary><paramref name="config"/> with <see cref="ConfiguredPort"/> replaced by <paramref name="port"/> in <c>ports</c> and every portmap table.</summary>
    private static TcpffeeConfig OnPort(TcpffeeConfig config, int port)
    {
        int Map(int p) => p == ConfiguredPort ? port : p;
        return config with
        {
            Ports = [.. config.Ports.Select(Map)],
            Groups = [.. config.Groups.Select(g => g.Portmap.Host is not null
                ? g
                : g with { Portmap = PortMapConfig.ForTable(g.Portmap.Ports.Select(e => new KeyValuePair<int, IPEndPoint>(Map(e.Key), e.Value))) })],
        };
    }

    private static bool IsAddressInUse(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
