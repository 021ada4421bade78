using System.Collections.Concurrent;

namespace Tcpffee.Cluster;

/// <summary>
/// The logger factory handed to dotNext. While a peer is down, dotNext warns with a full stack trace at every
/// heartbeat; this lets one line through per message (which names the peer) per minute, without the stack trace, at
/// the level <see cref="RaftWarningLevels"/> gives it.
/// </summary>
internal sealed partial class RateLimitedLoggerFactory(ILoggerFactory inner, TimeProvider time, RaftWarningLevels levels) : ILoggerFactory
{
    private readonly RaftWarningLevels _levels = levels;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const int MaxRemembered = 256;

    /// <summary>Gets how many distinct texts are remembered for suppression.</summary>
    internal int Remembered => _lastWritten.Count;

    private readonly ConcurrentDictionary<string, long> _lastWritten = new();

    public ILogger CreateLogger(string categoryName) => new Limited(inner.CreateLogger(categoryName), this);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    /// <summary>Whether a warning with this text may be written now; the first of each text per interval is.</summary>
    private bool Admit(string text)
    {
        var now = time.GetTimestamp();
        if (_lastWritten.Count > MaxRemembered)
        {
            // Texts carry log indexes and terms, so they do not repeat forever: forget those past their minute.
            foreach (var (known, last) in _lastWritten)
            {
                if (time.GetElapsedTime(last, now) >= Interval)
                {
                    _lastWritten.TryRemove(new KeyValuePair<string, long>(known, last));
                }
            }
        }

        var admitted = false;
        _lastWritten.AddOrUpdate(
            text,
            _ => { admitted = true; return now; },
            (_, last) =>
            {
                admitted = time.GetElapsedTime(last, now) >= Interval;
                return admitted ? now : last;
            });
        return admitted;
    }

    private sealed partial class Limited(ILogger inner, RateLimitedLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning || logLevel >= LogLevel.Critical)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var text = formatter(state, exception);
            var level = owner._levels.Of(logLevel, state);

            // Lowered lines are counted apart, so that a peer still down when the group's start is over is warned of at once.
            if (owner.Admit(level == logLevel ? text : "lowered: " + text))
            {
                var cause = exception?.GetBaseException().Message ?? "-";
                LogLimited(inner, level, text, cause);
            }
        }

        [LoggerMessage(EventId = 62, Message = "{Text} (cause: {Cause}; repeats of this line are suppressed for a minute)")]
        private static partial void LogLimited(ILogger logger, LogLevel level, string text, string cause);
    }
}
