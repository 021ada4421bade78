using System.Runtime.InteropServices;
using System.Threading.Channels;
using Tcpffee.Configuration;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Reload;

/// <summary>
/// Reloads the configuration on SIGUSR1: validates the whole file first and keeps the old configuration on any
/// mistake; otherwise swaps the routing snapshot, opens new ports, closes removed ones (their connections continue)
/// and applies the stick table settings. Settings that cannot change live are reported as needing a restart.
/// </summary>
internal sealed partial class ConfigReloadService : BackgroundService
{
    private const PosixSignal SigUsr1 = (PosixSignal)10;

    private readonly TcpffeeEnvironment _environment;
    private readonly RoutingState _routing;
    private readonly ProxyListenerManager _listeners;
    private readonly IStickTableAdmin _table;
    private readonly HealthMonitor _health;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<ConfigReloadService> _logger;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PosixSignalRegistration? _signal;
    private ReloadResult? _lastResult;

    public ConfigReloadService(
        TcpffeeEnvironment environment, RoutingState routing, ProxyListenerManager listeners, IStickTableAdmin table, HealthMonitor health,
        ProxyMetrics metrics, TimeProvider time, ILogger<ConfigReloadService> logger)
    {
        _metrics = metrics;
        _time = time;
        _health = health;
        _environment = environment;
        _routing = routing;
        _listeners = listeners;
        _table = table;
        _logger = logger;
    }

    /// <summary>The last reload's outcome, or null before the first one.</summary>
    public ReloadResult? LastResult
    {
        get => Volatile.Read(ref _lastResult);
        private set => Volatile.Write(ref _lastResult, value);
    }

    /// <summary>Asks for a reload, as SIGUSR1 does; several requests while one runs collapse into one more.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Without Cancel the default action of SIGUSR1 would terminate the process after the handler ran.
        // The handler runs on a thread-pool thread, so it only queues the work.
        _signal = PosixSignalRegistration.Create(SigUsr1, context =>
        {
            context.Cancel = true;
            Request();
        });
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _signal?.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ReloadNowAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Reloads now (after any reload already running) and returns its outcome; the API's reload route.</summary>
    public async Task<ReloadResult> ReloadNowAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            try
            {
                await ReloadAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                // A fault here must not end the reload loop, and with it the host: the reload fails, the proxy runs on.
                // It may have come after a part of the new configuration took effect, so it is not called a refusal.
                LogFailed(ex, _environment.ConfigPath);
                _metrics.Reloaded(applied: false);
                LastResult = new ReloadResult(_time.GetUtcNow(), false, $"the reload failed: {ex.Message}", [ex.Message]);
            }

            return LastResult!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReloadAsync(CancellationToken cancellation)
    {
        var path = _environment.ConfigPath;
        LogReloading(path);
        TcpffeeConfig next;
        try
        {
            next = ConfigLoader.LoadFile(path);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                LogConfigError(error.ToString());
            }

            Refuse($"{ex.Errors.Count} mistake(s) in {path}", [.. ex.Errors.Select(e => e.ToString())]);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing has changed yet, so the previous configuration is still whole.
            LogLoaderFailed(ex, path);
            Refuse($"the configuration could not be read: {ex.Message}", [ex.Message]);
            return;
        }

        foreach (var warning in next.Warnings)
        {
            LogConfigWarning(warning.ToString());
        }

        var previous = _routing.Current.Config;
        foreach (var setting in RestartOnlySettings.Changed(previous, next))
        {
            LogNeedsRestart(setting);
        }

        // Settings that need a restart keep their running values; everything else takes effect now.
        next = RestartOnlySettings.KeepRunning(previous, next);
        var change = await _listeners.ApplyAsync(next, () =>
        {
            _table.Configure(next.Expiration, next.StickTableMaxEntries);
            _routing.Swap(next);
        }, cancellation).ConfigureAwait(false);

        if (!change.Applied)
        {
            Refuse($"{change.Errors.Count} port(s) could not be bound", change.Errors);
            return;
        }

        _health.Reconcile(next);
        var summary = $"ports added [{string.Join(", ", change.Added)}], removed [{string.Join(", ", change.Removed)}]; {ConfigDifference.DescribeGroups(previous, next)}";
        _metrics.Reloaded(applied: true);
        LastResult = new ReloadResult(_time.GetUtcNow(), true, summary, []);
        LogApplied(path, summary);
    }

    private void Refuse(string reason, IReadOnlyList<string> errors)
    {
        _metrics.Reloaded(applied: false);
        LastResult = new ReloadResult(_time.GetUtcNow(), false, reason, errors);
        LogRejected(reason, _environment.ConfigPath);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "SIGUSR1: reloading {Path}")]
    private partial void LogReloading(string path);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "{Error}")]
    private partial void LogConfigError(string error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogConfigWarning(string warning);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Reload of {Path} refused: {Reason}; still running on the previous configuration")]
    private partial void LogRejected(string reason, string path);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Setting} changed, but it takes effect only after a restart")]
    private partial void LogNeedsRestart(string setting);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "Reading {Path} failed")]
    private partial void LogLoaderFailed(Exception exception, string path);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "Reload of {Path} failed; a part of it may have taken effect")]
    private partial void LogFailed(Exception exception, string path);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Reloaded {Path}: {Summary}")]
    private partial void LogApplied(string path, string summary);
}
