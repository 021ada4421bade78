using Tcpffee.Configuration;
using Tcpffee.Model;
using Tcpffee.Persistence;

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
    private readonly StateSaveFailures _failures;
    private readonly ILogger<HealthStateStore> _logger;
    private readonly Lock _lock = new();
    private SavedHealthState? _loaded;
    private Func<IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus>> _checks = static () => SavedHealthState.Empty.Checks;
    private IReadOnlyDictionary<int, GroupStatus> _overrides = SavedHealthState.Empty.Overrides;
    private ITimer? _timer;
    private int _dirty;

    /// <summary>How this state is named in the save failure lines and in <c>/healthz</c>.</summary>
    public const string StateName = "the health check state";

    public HealthStateStore(TcpffeeEnvironment environment, TimeProvider time, StateSaveFailures failures, ILogger<HealthStateStore> logger)
    {
        _failures = failures;
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

    /// <summary>The file the state is written to.</summary>
    public string Path => _path;

    /// <summary>
    /// Replaces the saved overrides and writes the file at once. Returns the reason when it could not be written; the
    /// overrides are kept and go with the next save that works.
    /// </summary>
    public string? SaveOverrides(IReadOnlyDictionary<int, GroupStatus> overrides)
    {
        lock (_lock)
        {
            _overrides = overrides;
            return SaveLocked();
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

    private string? SaveLocked()
    {
        try
        {
            HealthStateFile.Save(_path, _checks(), _overrides);
            _failures.Saved(StateName);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failures.Failed(StateName, _path, ex.Message);
            return ex.Message;
        }
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Cannot restore health check state from {Path}, starting with every check up: {Reason}")]
    private partial void LogRestoreFailed(string path, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Restored the state of {Count} health checks from {Path}")]
    private partial void LogRestored(int count, string path);
}
