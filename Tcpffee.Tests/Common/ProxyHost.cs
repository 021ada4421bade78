using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The real proxy host (<see cref="TcpffeeHost.Build"/>) started in the test process, with its state files in a temp
/// directory and logging off. Exposes the bound endpoints and the services tests look into. Disposing closes any
/// connection still open, stops the host and frees it.
/// </summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory? _ownedState;
    private bool _stopped;

    private ProxyHost(WebApplication app, TcpffeeConfig config, TcpffeeEnvironment environment, TempDirectory? ownedState)
    {
        App = app;
        Config = config;
        Environment = environment;
        _ownedState = ownedState;
    }

    public WebApplication App { get; }

    public TcpffeeConfig Config { get; }

    public TcpffeeEnvironment Environment { get; }

    public IServiceProvider Services => App.Services;

    public IStickTable Table => Services.GetRequiredService<IStickTable>();

    public GroupStateRegistry Groups => Services.GetRequiredService<GroupStateRegistry>();

    public ConnectionTracker Tracker => Services.GetRequiredService<ConnectionTracker>();

    public ProxyListenerManager Listeners => Services.GetRequiredService<ProxyListenerManager>();

    /// <summary>The endpoint of the single proxied port.</summary>
    public IPEndPoint EndPoint => EndPointFor(Config.Ports.Single());

    /// <summary>
    /// Starts a host for <paramref name="config"/>. The environment's paths point into <paramref name="stateDirectory"/>
    /// (a fresh temp directory by default); <paramref name="time"/> replaces the host's clock.
    /// </summary>
    public static async Task<ProxyHost> StartAsync(
        TcpffeeConfig config, TcpffeeEnvironment? environment = null, TimeProvider? time = null, string? stateDirectory = null)
    {
        var owned = stateDirectory is null ? new TempDirectory() : null;
        var directory = stateDirectory ?? owned!.Path;
        var env = (environment ?? new TcpffeeEnvironment()) with
        {
            ConfigPath = Path.Combine(directory, "tcpffee.toml"),
            PidPath = Path.Combine(directory, "tcpffee.pid"),
            HealthCheckSavePath = Path.Combine(directory, "healthcheck_state"),
            StickTableSavePath = Path.Combine(directory, "stick_table"),
            DataDir = Path.Combine(directory, "data"),
        };

        var app = TcpffeeHost.Build(new StartupSettings(env, config), builder =>
        {
            builder.Logging.ClearProviders();
            if (time is not null)
            {
                builder.Services.AddSingleton<TimeProvider>(time);
            }
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

        return new ProxyHost(app, config, env, owned);
    }

    /// <summary>
    /// Picks <paramref name="count"/> free ports, builds the configuration from them and starts it; if another process
    /// took one of them in between, tries again with new ports.
    /// </summary>
    public static async Task<ProxyHost> StartOnFreePortsAsync(int count, Func<int[], TcpffeeConfig> build, TcpffeeEnvironment? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(count);
            try
            {
                return await StartAsync(build(ports), environment);
            }
            catch (InvalidOperationException ex) when (attempt < 5 && ex.Message.Contains("cannot listen", StringComparison.Ordinal))
            {
                // Lost the race for a port; pick others.
            }
        }
    }

    /// <summary>The bound endpoint of the port configured as <paramref name="configuredPort"/> (0 resolves to the ephemeral one).</summary>
    public IPEndPoint EndPointFor(int configuredPort)
    {
        var bound = Listeners.EndPoints.Cast<IPEndPoint>().ToList();
        return configuredPort != 0
            ? bound.Single(e => e.Port == configuredPort)
            : bound.Single(e => !Config.Ports.Contains(e.Port));
    }

    /// <summary>Connects to the single proxied port from 127.0.0.<paramref name="sourceN"/>.</summary>
    public Task<TestClient> ConnectAsync(int sourceN) => TestClient.ConnectAsync(EndPoint, sourceN);

    /// <summary>Connects from 127.0.0.<paramref name="sourceN"/>, asks which backend answers, and closes.</summary>
    public async Task<string> AskOnceAsync(int sourceN, int configuredPort = 0)
    {
        using var client = await TestClient.ConnectAsync(configuredPort == 0 && Config.Ports.Length == 1 ? EndPoint : EndPointFor(configuredPort), sourceN);
        return await client.AskAsync();
    }

    /// <summary>The stick key of a client connecting from 127.0.0.<paramref name="sourceN"/> with the IP key type.</summary>
    public static StickKey KeyOf(int sourceN, ReadOnlySpan<byte> slice = default) => StickKey.FromAddress(TestClient.Source(sourceN), slice);

    /// <summary>Waits until the entry of <paramref name="key"/> has no open connection left (closes are handled asynchronously).</summary>
    public Task WaitUntilIdleAsync(StickKey key) =>
        Eventually.HoldsAsync(
            () => Table.Snapshot().Any(e => e.Key == key && e.OpenConnections == 0),
            $"the stick entry of {key} is idle");

    /// <summary>Stops the host as a shutdown would: stops accepting, drains, saves the stick table.</summary>
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
        if (!_stopped)
        {
            // Whatever a test left open must not hold the shutdown for the grace period.
            Tracker.AbortAll("test finished");
            await StopAsync();
        }

        await App.DisposeAsync();
        _ownedState?.Dispose();
    }
}
