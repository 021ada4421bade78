using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.Reload;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The real proxy host (<see cref="TcpffeeHost.Build"/>) started in the test process on real sockets, with its state
/// files in a temp directory and its log kept in <see cref="Logs"/>. Exposes the bound endpoints, a client of the stats
/// endpoint and the services tests look into. Disposing closes any connection still open, stops the host and frees it.
/// </summary>
internal sealed partial class ProxyHost : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory? _ownedState;
    private bool _stopped;

    private ProxyHost(WebApplication app, TcpffeeConfig config, TcpffeeEnvironment environment, TempDirectory? ownedState, LogCapture logs)
    {
        App = app;
        Config = config;
        Environment = environment;
        _ownedState = ownedState;
        Logs = logs;
    }

    public WebApplication App { get; }

    public TcpffeeConfig Config { get; }

    public TcpffeeEnvironment Environment { get; }

    /// <summary>The file a reload reads.</summary>
    public string ConfigPath => Environment.ConfigPath;

    /// <summary>Everything the host logged, for failure messages.</summary>
    public LogCapture Logs { get; }

    public IServiceProvider Services => App.Services;

    public LocalStickTable Table => Services.GetRequiredService<LocalStickTable>();

    public GroupStateRegistry Groups => Services.GetRequiredService<GroupStateRegistry>();

    public RoutingState Routing => Services.GetRequiredService<RoutingState>();

    public HealthMonitor Health => Services.GetRequiredService<HealthMonitor>();

    public ConnectionTracker Tracker => Services.GetRequiredService<ConnectionTracker>();

    public ProxyListenerManager Listeners => Services.GetRequiredService<ProxyListenerManager>();

    /// <summary>What the single proxied listener is bound to (a wildcard address for <c>0.0.0.0</c> or <c>::</c>).</summary>
    public IPEndPoint ListeningEndPoint => Listeners.EndPoints.Cast<IPEndPoint>().Single();

    /// <summary>Where a client reaches the single proxied port: its bound address, or IPv4 loopback for a wildcard.</summary>
    public IPEndPoint EndPoint => EndPointFor(Config.Ports.Single());

    /// <summary>The actual port of the single proxied listener.</summary>
    public int Port => EndPoint.Port;

    /// <summary>Starts a host for <paramref name="config"/>; see <see cref="ProxyHostOptions"/> for the rest.</summary>
    public static Task<ProxyHost> StartAsync(
        TcpffeeConfig config, TcpffeeEnvironment? environment = null, TimeProvider? time = null, string? stateDirectory = null) =>
        StartAsync(config, new ProxyHostOptions { Environment = environment ?? new TcpffeeEnvironment(), Time = time, StateDirectory = stateDirectory });

    /// <summary>Starts a host for <paramref name="config"/> with <paramref name="options"/>.</summary>
    public static async Task<ProxyHost> StartAsync(TcpffeeConfig config, ProxyHostOptions? options)
    {
        options ??= new ProxyHostOptions();
        var owned = options.StateDirectory is null ? new TempDirectory() : null;
        var directory = options.StateDirectory ?? owned!.Path;
        var env = options.Environment with
        {
            ConfigPath = options.ConfigPath ?? (File.Exists(config.SourcePath) ? config.SourcePath : Path.Combine(directory, "tcpffee.toml")),
            PidPath = Path.Combine(directory, "tcpffee.pid"),
            HealthCheckSavePath = Path.Combine(directory, "healthcheck_state"),
            StickTableSavePath = Path.Combine(directory, "stick_table"),
            DataDir = Path.Combine(directory, "data"),
        };
        if (options.StatsAddress is { } stats)
        {
            config = config with { StatsBindSocket = new IPEndPoint(stats, 0) };
        }
        else if (config.StatsBindSocket.Equals(TcpffeeConfig.DefaultStatsBindSocket))
        {
            // Hosts running side by side would fight over the fixed default port; a test host takes an ephemeral one.
            config = config with { StatsBindSocket = new IPEndPoint(IPAddress.Loopback, 0) };
        }

        var logs = new LogCapture();
        var app = TcpffeeHost.Build(new StartupSettings(env, config), builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            if (options.Time is { } time)
            {
                builder.Services.AddSingleton(time);
            }

            options.Services?.Invoke(builder.Services);
        });

        try
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            owned?.Dispose();
            throw;
        }

        return new ProxyHost(app, config, env, owned, logs);
    }

    /// <summary>
    /// Picks <paramref name="count"/> free ports on <paramref name="address"/> (loopback by default), builds the
    /// configuration from them and starts it; if another process took one of them in between, tries again with new ports.
    /// </summary>
    public static async Task<ProxyHost> StartOnFreePortsAsync(
        int count, Func<int[], TcpffeeConfig> build, TcpffeeEnvironment? environment = null, IPAddress? address = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(count, address);
            try
            {
                return await StartAsync(build(ports), environment);
            }
            catch (Exception ex) when (attempt < 5 && IsAddressInUse(ex))
            {
                // Lost the race for a port; pick others.
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="config"/> with its configured port 0 replaced, in <c>ports</c> and every portmap table, by
    /// a port found free. Port 0 would bind an ephemeral port, but the metrics label connections with the configured
    /// port, and the meter provider of every host in this process collects every "Tcpffee" meter: hosts running side by
    /// side would read each other's counters unless each names a port of its own.
    /// </summary>
    public static Task<ProxyHost> StartOnFreePortAsync(TcpffeeConfig config, TcpffeeEnvironment? environment = null) =>
        StartOnFreePortsAsync(1, ports => OnPort(config, ports[0]), environment, config.BindAddress);

    /// <summary>
    /// Writes the configuration that <paramref name="text"/> gives for a free loopback port to <paramref name="path"/>,
    /// loads it and starts on it; if another process took the port meanwhile, tries again with another one.
    /// </summary>
    public static async Task<(ProxyHost Proxy, int Port)> StartFromFileAsync(string path, Func<int, string> text, ProxyHostOptions? options = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Next();
            await File.WriteAllTextAsync(path, text(port));
            try
            {
                return (await StartAsync(ConfigLoader.LoadFile(path), options ?? new ProxyHostOptions()), port);
            }
            catch (Exception ex) when (attempt < 5 && IsAddressInUse(ex))
            {
                // Taken between choosing it and binding it.
            }
        }
    }

    /// <summary>The bound endpoint of the port configured as <paramref name="configuredPort"/> (0 resolves to the ephemeral one), wildcards as loopback.</summary>
    public IPEndPoint EndPointFor(int configuredPort)
    {
        var bound = Listeners.EndPoints.Cast<IPEndPoint>().ToList();
        var endPoint = configuredPort != 0
            ? bound.Single(e => e.Port == configuredPort)
            : bound.Single(e => !Config.Ports.Contains(e.Port));
        return endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any)
            ? new IPEndPoint(IPAddress.Loopback, endPoint.Port)
            : endPoint;
    }

    /// <summary>Connects to the single proxied port as client <paramref name="sourceN"/>.</summary>
    public Task<TestClient> ConnectAsync(int sourceN) => TestClient.ConnectAsync(EndPoint, sourceN);

    /// <summary>Connects to the single proxied port from <paramref name="source"/>, or from wherever the system picks.</summary>
    public Task<TestClient> ConnectAsync(IPAddress? source = null) => TestClient.ConnectAsync(EndPoint, source);

    /// <summary>One whole connection as client <paramref name="sourceN"/>: the name of the <see cref="NamedBackend"/> that answered.</summary>
    public Task<string> AskOnceAsync(int sourceN, int configuredPort = 0) =>
        TestClient.WhoAnswersAsync(configuredPort == 0 && Config.Ports.Length == 1 ? EndPoint : EndPointFor(configuredPort), sourceN);

    /// <summary>The stick key of client <paramref name="sourceN"/> with the IP key type.</summary>
    public static StickKey KeyOf(int sourceN, ReadOnlySpan<byte> slice = default) => StickKey.FromAddress(TestClient.Source(sourceN), slice);

    /// <summary>Waits until the entry of <paramref name="key"/> has no open connection left (closes are handled asynchronously).</summary>
    public Task WaitUntilIdleAsync(StickKey key) =>
        Eventually.HoldsAsync(
            () => Table.Snapshot().Any(e => e.Key == key && e.OpenConnections == 0),
            $"the stick entry of {key} is idle");

    public GroupState Group(int id) => Routing.Groups.Get(id);

    /// <summary>The running check of group <paramref name="group"/> at <paramref name="index"/>.</summary>
    public RunningCheck Check(int group, int index = 0) =>
        Health.Checks.Single(c => c.Identity.GroupId == group && c.Identity.Index == index);

    /// <summary>Every check's status and every group's state, for failure messages.</summary>
    public string Describe() =>
        string.Join("; ", Health.Checks.Select(c => $"{c.Identity} {c.Status}"))
        + $"; groups: {string.Join(", ", Routing.Current.Config.Groups.Select(g => $"{g.Id}={Group(g.Id).Effective} (health {Group(g.Id).Health})"))}";

    /// <summary>Writes <paramref name="toml"/> as the configuration file and reloads it, as SIGUSR1 does; fails unless it was applied.</summary>
    public async Task ReloadAsync(string toml)
    {
        await File.WriteAllTextAsync(ConfigPath, toml);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var result = await Services.GetRequiredService<ConfigReloadService>().ReloadNowAsync(timeout.Token);
        Assert.True(result.Applied, $"the reload was refused: {result.Summary} {string.Join("; ", result.Errors)}");
    }

    /// <summary>Stops the host as a shutdown would: stops accepting, drains, saves the stick table; the state directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(StopTimeout);
        await App.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (!_stopped)
        {
            // Whatever a test left open must not hold the shutdown for the grace period.
            Tracker.AbortAll("test finished");
            await StopAsync();
        }

        await App.DisposeAsync();
        _ownedState?.Dispose();
    }

    public override string ToString() => $"proxy on {string.Join(", ", Listeners.EndPoints)}; log:{System.Environment.NewLine}{Logs}";

    /// <summary><paramref name="config"/> with configured port 0 replaced by <paramref name="port"/> in <c>ports</c> and every portmap table.</summary>
    private static TcpffeeConfig OnPort(TcpffeeConfig config, int port)
    {
        int Map(int p) => p == 0 ? port : p;
        return config with
        {
            Ports = [.. config.Ports.Select(Map)],
            Groups = [.. config.Groups.Select(g => g.Portmap.Host is not null
                ? g
                : g with { Portmap = PortmapConfig.ForTable(g.Portmap.Ports.Select(e => new KeyValuePair<int, IPEndPoint>(Map(e.Key), e.Value))) })],
        };
    }

    private static bool IsAddressInUse(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException
                || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || (e is InvalidOperationException && e.Message.Contains("cannot listen", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
