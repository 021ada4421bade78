using Tcpffee.Configuration;
using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// Keeps the health state file (<c>TCPFFEE_HEALTHCHECK_SAVE_PATH</c>): reads it once at start, and writes every
/// check's state and every override to it, at once when asked and within a second when only counters moved.
/// </summary>
internal sealed partial class HealthStateStore : IDisposable
{
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthStateStore> _logger;
    private readonly Lock _lock = new();
    private SavedHealthState? _loaded;
    private Func<IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus>> _checks = static () => SavedHealthState.Empty.Checks;
    private IReadOnlyDictionary<int, GroupStatus> _overrides = SavedHealthState.Empty.Overrides;
    private ITimer? _timer;
    private int _dirty;

    public HealthStateStore(TcpffeeEnvironment environment, TimeProvider time, ILogger<HealthStateStore> logger)
    {
        _path = environment.HealthCheckSavePath;
        _time = time;
        _logger = logger;
    }

    /// <summary>What the file held when this process started; read once, and reported if missing parts or damaged.</summary>
    public SavedHealthState Load()
    {
        lock (_lock)
        {
            if (_loaded is not null)
            {
                return _loaded;
            }

            var checks = HealthStateFile.Load(_path, out var error, out var overrides);
            if (error is not null)
            {
                LogRestoreFailed(_path, error);
            }
            else if (checks.Count > 0)
            {
                LogRestored(checks.Count, _path);
            }

            _loaded = new SavedHealthState(checks, overrides);
            return _loaded;
        }
    }

    /// <summary>
    /// Starts saving: <paramref name="checks"/> gives every check's current state; it is read without other locks held,
    /// so it must not wait on anything that saves.
    /// </summary>
    public void Start(Func<IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus>> checks)
    {
        lock (_lock)
        {
            _checks = checks;
            _timer ??= _time.CreateTimer(static s => ((HealthStateStore)s!).SaveIfDirty(), this, SaveDelay, SaveDelay);
        }
    }

    /// <summary>Notes that a check's counters moved: written within a second.</summary>
    public void MarkDirty() => Interlocked.Exchange(ref _dirty, 1);

    /// <summary>Replaces the saved overrides and writes the file at once.</summary>
    public void SaveOverrides(IReadOnlyDictionary<int, GroupStatus> overrides)
    {
        lock (_lock)
        {
            _overrides = overrides;
            SaveLocked();
        }
    }

    /// <summary>Writes the file at once.</summary>
    public void Save()
    {
        lock (_lock)
        {
            SaveLocked();
        }
    }

    /// <summary>Stops the timer and writes the file a last time.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            SaveLocked();
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void SaveIfDirty()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 1)
        {
            Save();
        }
    }

    private void SaveLocked()
    {
        try
        {
            HealthStateFile.Save(_path, _checks(), _overrides);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(_path, ex.Message);
        }
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Cannot restore health check state from {Path}, starting with every check up: {Reason}")]
    private partial void LogRestoreFailed(string path, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Restored the state of {Count} health checks from {Path}")]
    private partial void LogRestored(int count, string path);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Cannot save health check state to {Path} (set TCPFFEE_HEALTHCHECK_SAVE_PATH): {Reason}")]
    private partial void LogSaveFailed(string path, string reason);
}
