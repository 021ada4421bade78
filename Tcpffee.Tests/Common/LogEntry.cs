using Microsoft.Extensions.Logging;

namespace Tcpffee.Tests.Common;

/// <summary>One line a <see cref="LogCapture"/> kept.</summary>
internal sealed record LogEntry(DateTimeOffset At, LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " " + Exception)}";
}
