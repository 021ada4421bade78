using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health.Support;

/// <summary>
/// The whole proxy host in this process, on the real clock unless a test gives one: one listener on an ephemeral
/// port (configured port 0), the stats endpoint on another, and every state file in a temp directory.
/// </summary>
internal sealed class InProcessProxy : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly bool _ownsDirectory;

    private InProcessProxy(WebApplication app, TempDirectory directory, bool ownsDirectory)
    {
        App = app;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public HealthMonitor Health => Services.GetRequiredService<HealthMonitor>();

    public RoutingState Routing => Services.GetRequiredService<RoutingState>();

    public IStickTable Table => Services.GetRequiredService<IStickTable>();

    /// <summary>The proxied listener (configured port 0) as actually bound.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)Services.GetRequiredService<ProxyListenerManager>().EndPoints.Single();

    /// <summary>The base address of the stats endpoint, for <c>/healthz</c>.</summary>
    public Uri StatsAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public GroupState Group(int id) => Routing.Groups.Get(id);

    public static async Task<InProcessProxy> StartAsync(TcpffeeConfig config, TimeProvider? time = null, TempDirectory? directory = null)
    {
        var owns = directory is null;
        directory ??= new TempDirectory();
        var environment = new TcpffeeEnvironment
        {
            ConfigPath = config.SourcePath,
            PidPath = directory.Combine("tcpffee.pid"),
            HealthCheckSavePath = directory.Combine("healthcheck_state"),
            StickTableSavePath = directory.Combine("stick_table"),
            DataDir = directory.Combine("data"),
        };
        var app = TcpffeeHost.Build(new StartupSettings(environment, config), b =>
        {
            b.Logging.ClearProviders();
            if (time is not null)
            {
                b.Services.AddSingleton(time);
            }
        });
        var proxy = new InProcessProxy(app, directory, owns);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StartAsync(timeout.Token);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>The running check of group <paramref name="group"/> at <paramref name="index"/>.</summary>
    public RunningCheck Check(int group, int index = 0) =>
        Health.Checks.Single(c => c.Identity.GroupId == group && c.Identity.Index == index);

    public Task<string> AskAsync(int client) => TestClient.WhoAnswersAsync(EndPoint, client);

    public string Describe() =>
        string.Join("; ", Health.Checks.Select(c => $"{c.Identity} {c.Status}"))
        + $"; groups: {string.Join(", ", Routing.Current.Config.Groups.Select(g => $"{g.Id}={Group(g.Id).Effective} (health {Group(g.Id).Health})"))}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await App.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Never started, or could not stop in time; disposing frees what is left.
        }

        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            _directory.Dispose();
        }
    }
}
