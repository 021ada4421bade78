using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The real proxy host in-process, as <see cref="ProxyHost"/> starts it, with its transport wrapped so that
/// <see cref="Reads"/> shows every read the proxy makes of a client connection.
/// </summary>
internal sealed class ReadObservingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _state;

    private ReadObservingProxy(WebApplication app, TempDirectory state, ObservedReads reads)
    {
        _app = app;
        _state = state;
        Reads = reads;
        EndPoint = (IPEndPoint)app.Services.GetRequiredService<ProxyListenerManager>().EndPoints.Single();
    }

    public ObservedReads Reads { get; }

    /// <summary>The endpoint of the single proxied port.</summary>
    public IPEndPoint EndPoint { get; }

    public LocalStickTable Table => _app.Services.GetRequiredService<LocalStickTable>();

    /// <summary>Starts a host for <paramref name="config"/> (one proxied port; stats on an ephemeral port) with its files in a temp directory.</summary>
    public static async Task<ReadObservingProxy> StartAsync(TcpffeeConfig config, TcpffeeEnvironment? environment = null)
    {
        var state = new TempDirectory();
        var env = (environment ?? new TcpffeeEnvironment()) with
        {
            ConfigPath = state.Combine("tcpffee.toml"),
            PidPath = state.Combine("tcpffee.pid"),
            HealthCheckSavePath = state.Combine("healthcheck_state"),
            StickTableSavePath = state.Combine("stick_table"),
            DataDir = state.Combine("data"),
        };
        var reads = new ObservedReads();
        var settings = new StartupSettings(env, config with { StatsBindSocket = new IPEndPoint(IPAddress.Loopback, 0) });
        var app = TcpffeeHost.Build(settings, builder =>
        {
            builder.Logging.ClearProviders();
            var transport = builder.Services.Last(d => d.ServiceType == typeof(IConnectionListenerFactory));
            builder.Services.Remove(transport);
            builder.Services.AddSingleton<IConnectionListenerFactory>(sp => new ObservingListenerFactory(Create(sp, transport), reads));
        });

        try
        {
            using var timeout = new CancellationTokenSource(Eventually.Timeout);
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            state.Dispose();
            throw;
        }

        return new ReadObservingProxy(app, state, reads);
    }

    public async ValueTask DisposeAsync()
    {
        _app.Services.GetRequiredService<ConnectionTracker>().AbortAll("test finished");
        using (var timeout = new CancellationTokenSource(Eventually.Timeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _state.Dispose();
    }

    private static IConnectionListenerFactory Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IConnectionListenerFactory)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
