using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Api.Support;

/// <summary>What an <see cref="ApiProxy"/> needs beyond its configuration.</summary>
internal sealed record ApiProxyOptions
{
    /// <summary>TCPFFEE_API_TOKEN; null leaves the admin routes to loopback clients.</summary>
    public string? ApiToken { get; init; }

    /// <summary>Where the stats endpoint listens (on an ephemeral port).</summary>
    public IPAddress StatsAddress { get; init; } = IPAddress.Loopback;

    public KeyType KeyType { get; init; } = KeyType.Ip;

    public int SliceStart { get; init; }

    public int SliceEnd { get; init; }

    /// <summary>A directory the caller keeps (to restart on the same state files); null gives the proxy its own.</summary>
    public TempDirectory? Directory { get; init; }

    /// <summary>The file the reload route reads; null means the configuration's source file, or <c>tcpffee.toml</c> in the directory.</summary>
    public string? ConfigPath { get; init; }
}

/// <summary>
/// The whole proxy host in this process, on real sockets: the proxied listener(s) from the configuration (port 0 binds
/// an ephemeral port), the stats endpoint on an ephemeral port of <see cref="ApiProxyOptions.StatsAddress"/>, every
/// state file in a temp directory, and an <see cref="HttpClient"/> pointed at the stats endpoint.
/// </summary>
internal sealed class ApiProxy : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly bool _ownsDirectory;
    private bool _stopped;

    private ApiProxy(WebApplication app, TcpffeeEnvironment environment, TempDirectory directory, bool ownsDirectory, LogCapture logs)
    {
        App = app;
        Environment = environment;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Logs = logs;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public TcpffeeEnvironment Environment { get; }

    public TempDirectory Directory { get; }

    /// <summary>Everything the host logged, for failure messages.</summary>
    public LogCapture Logs { get; }

    /// <summary>The base address of the stats endpoint, as bound.</summary>
    public Uri StatsAddress { get; private set; } = null!;

    /// <summary>A client of the stats endpoint (no default headers; follows redirects).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The single proxied listener as bound.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)Services.GetRequiredService<ProxyListenerManager>().EndPoints.Single();

    public static async Task<ApiProxy> StartAsync(TcpffeeConfig config, ApiProxyOptions? options = null)
    {
        options ??= new ApiProxyOptions();
        var owns = options.Directory is null;
        var directory = options.Directory ?? new TempDirectory();
        var environment = new TcpffeeEnvironment
        {
            ConfigPath = options.ConfigPath ?? (File.Exists(config.SourcePath) ? config.SourcePath : directory.Combine("tcpffee.toml")),
            PidPath = directory.Combine("tcpffee.pid"),
            HealthCheckSavePath = directory.Combine("healthcheck_state"),
            StickTableSavePath = directory.Combine("stick_table"),
            DataDir = directory.Combine("data"),
            ApiToken = options.ApiToken,
            KeyType = options.KeyType,
            SliceStart = options.SliceStart,
            SliceEnd = options.SliceEnd,
        };

        var logs = new LogCapture();
        config = config with { StatsBindSocket = new IPEndPoint(options.StatsAddress, 0) };
        var app = TcpffeeHost.Build(new StartupSettings(environment, config), b =>
        {
            b.Logging.ClearProviders();
            b.Logging.AddProvider(logs);
        });
        var proxy = new ApiProxy(app, environment, directory, owns, logs);
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(timeout.Token);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            proxy.StatsAddress = new Uri(address);
            proxy.Http = CreateClient(proxy.StatsAddress, options.StatsAddress);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes the configuration that <paramref name="text"/> gives for a free loopback port to <paramref name="path"/>,
    /// loads it and starts on it; if another process took the port meanwhile, tries again with another one.
    /// </summary>
    public static async Task<(ApiProxy Proxy, int Port)> StartFromFileAsync(string path, Func<int, string> text, ApiProxyOptions? options = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Next();
            await File.WriteAllTextAsync(path, text(port));
            try
            {
                return (await StartAsync(ConfigLoader.LoadFile(path), options), port);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("cannot listen on", StringComparison.Ordinal))
            {
                // Taken between choosing it and binding it.
            }
        }
    }

    /// <summary>
    /// A client of <paramref name="baseAddress"/> whose connections leave from <paramref name="source"/>, so the server
    /// sees that address as the client's.
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new System.Net.Sockets.Socket(source.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>Stops the host (draining, then saving its state files); the directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await App.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Never started, or could not stop in time; disposing frees what is left.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await StopAsync();
        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            Directory.Dispose();
        }
    }
}
