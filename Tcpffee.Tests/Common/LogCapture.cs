using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tcpffee.Tests.Common;

/// <summary>
/// Keeps every line logged through it in memory: as a logger provider for a whole host (so a failing test can show the
/// log) or as one <see cref="ILogger{T}"/> for a component under test (so a test can assert what an operator reads).
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every entry, one a line, for failure messages.</summary>
    public string Text => string.Join(Environment.NewLine, _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>A logger of category <typeparamref name="T"/> writing into this capture.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public void Dispose()
    {
    }

    public override string ToString() => Text;

    private class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(DateTimeOffset.UtcNow, logLevel, category, eventId, formatter(state, exception), exception));
    }

    private sealed class Logger<T>(LogCapture owner) : Logger(owner, typeof(T).FullName ?? typeof(T).Name), ILogger<T>;
}
