namespace Tcpffee.Persistence;

/// <summary>
/// What the state saves (the stick table, the health state) say when they fail: the first failure is logged at once,
/// then one line a minute with the count while it keeps failing, and one line when a save works again, instead of a
/// line per attempt. <c>/healthz</c> reads <see cref="Problems"/> to report the proxy as degraded meanwhile.
/// </summary>
internal sealed partial class StateSaveFailures
{
    /// <summary>How often a save that keeps failing is said again.</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly ILogger<StateSaveFailures> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Failing> _failing = new(StringComparer.Ordinal);

    public StateSaveFailures(TimeProvider time, ILogger<StateSaveFailures> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>Every state that cannot be saved right now, as "the stick table cannot be saved to PATH: REASON".</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _failing.Select(f => $"{f.Key} cannot be saved to {f.Value.Path}: {f.Value.Reason}")];
            }
        }
    }

    /// <summary>Notes that saving <paramref name="state"/> to <paramref name="path"/> failed; logs it unless it was said less than a minute ago.</summary>
    public void Failed(string state, string path, string reason)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (!_failing.TryGetValue(state, out var failing))
            {
                _failing[state] = new Failing(path, reason, now);
                LogFirstFailure(state, path, reason);
                return;
            }

            failing.Path = path;
            failing.Reason = reason;
            failing.Unsaid++;
            failing.Total++;
            if (_time.GetElapsedTime(failing.SaidAt, now) >= RepeatEvery)
            {
                LogStillFailing(state, path, failing.Unsaid, reason);
                failing.Unsaid = 0;
                failing.SaidAt = now;
            }
        }
    }

    /// <summary>Notes that <paramref name="state"/> was saved; if it had been failing, says it works again.</summary>
    public void Saved(string state)
    {
        lock (_lock)
        {
            if (_failing.Remove(state, out var failing))
            {
                LogRecovered(state, failing.Path, failing.Total);
            }
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Cannot save {State} to {Path}: {Reason}. It is retried, and said again once a minute while it fails")]
    private partial void LogFirstFailure(string state, string path, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Still cannot save {State} to {Path}: {Count} more failed attempts since the last line: {Reason}")]
    private partial void LogStillFailing(string state, string path, long count, string reason);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Saved {State} to {Path} again, after {Count} failed attempts")]
    private partial void LogRecovered(string state, string path, long count);

    private sealed class Failing(string path, string reason, long now)
    {
        public string Path { get; set; } = path;

        public string Reason { get; set; } = reason;

        public long SaidAt { get; set; } = now;

        /// <summary>Failures since the last line.</summary>
        public long Unsaid { get; set; }

        /// <summary>Failures since the first, the first included.</summary>
        public long Total { get; set; } = 1;
    }
}
