using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Keeps every log call it receives, at every level, with its exception.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _logs = new();

    public IReadOnlyList<CapturedLog> Logs => [.. _logs];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._logs.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
