namespace Tcpffee.Cluster;

/// <summary>
/// The loggers of one Raft group's host: both groups' dotNext lines come from the same categories, so each line is
/// prefixed with its group, as tcpffee's own cluster lines are.
/// </summary>
internal sealed class GroupLoggerFactory(ILoggerFactory inner, string group) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Prefixed(inner.CreateLogger(categoryName), $"Raft group {group}: ");

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to tcpffee's host.
    }

    private sealed class Prefixed(ILogger inner, string prefix) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, (s, e) => prefix + formatter(s, e));
            }
        }
    }
}
