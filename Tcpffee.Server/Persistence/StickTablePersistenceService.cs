using Tcpffee.Configuration;
using Tcpffee.StickTable;

namespace Tcpffee.Persistence;

/// <summary>
/// Restores the stick table at start (without the entries that expired meanwhile), saves it every few seconds with an
/// atomic replace, and once more at shutdown after connections have drained. Also runs the table's expiry sweep.
/// </summary>
internal sealed partial class StickTablePersistenceService : IHostedService, IDisposable
{
    /// <summary>How often the table is written; a crash loses at most this much of stickiness.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly LocalStickTable _table;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly StateSaveFailures _failures;
    private readonly ILogger<StickTablePersistenceService> _logger;
    private readonly Lock _saveLock = new();
    private ITimer? _saveTimer;
    private StickTableSweeper? _sweeper;

    /// <summary>How this state is named in the save failure lines and in <c>/healthz</c>.</summary>
    public const string StateName = "the stick table";

    public StickTablePersistenceService(
        LocalStickTable table, TcpffeeEnvironment environment, TimeProvider time, StateSaveFailures failures, ILogger<StickTablePersistenceService> logger)
    {
        _failures = failures;
        _table = table;
        _path = environment.StickTableSavePath;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Restore();
        _sweeper = new StickTableSweeper(_table, SweepInterval, _time);
        _saveTimer = _time.CreateTimer(static s => ((StickTablePersistenceService)s!).Save(), this, SaveInterval, SaveInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _saveTimer?.Dispose();
        _sweeper?.Dispose();
        Save();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _saveTimer?.Dispose();
        _sweeper?.Dispose();
    }

    private void Restore()
    {
        var now = _time.GetUtcNow();
        var result = StickTableFile.Load(_path, now);
        switch (result.Status)
        {
            case StickTableLoadStatus.Loaded:
                var restored = 0;
                foreach (var record in result.Entries.OrderBy(r => r.ExpiresAt))
                {
                    if (_table.Restore(record.Key, record.GroupId, record.ExpiresAt - now))
                    {
                        restored++;
                    }
                }

                LogRestored(restored, result.DroppedExpired, _path);
                break;
            case StickTableLoadStatus.Missing:
                LogNoSavedTable(_path);
                break;
            default:
                // A damaged file costs stickiness, never availability.
                LogRestoreFailed(_path, result.Error ?? result.Status.ToString());
                break;
        }
    }

    private void Save()
    {
        // The timer and shutdown may both call this; writes to the same temporary file must not interleave.
        lock (_saveLock)
        {
            try
            {
                StickTableFile.Save(_path, _table.Snapshot(), _table.Expiration, _time.GetUtcNow());
                _failures.Saved(StateName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _failures.Failed(StateName, _path, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Restored {Count} stick table entries from {Path} ({Dropped} had expired)")]
    private partial void LogRestored(int count, int dropped, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "No saved stick table at {Path}; starting empty")]
    private partial void LogNoSavedTable(string path);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Cannot restore the stick table from {Path}, starting empty: {Reason}")]
    private partial void LogRestoreFailed(string path, string reason);
}
