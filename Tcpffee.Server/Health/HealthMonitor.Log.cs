using Tcpffee.Model;

namespace Tcpffee.Health;

internal sealed partial class HealthMonitor
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Health check {Check} ({Kind}): up={WasUp} -> up={IsUp}: {Reason}")]
    private partial void LogCheckChanged(HealthCheckIdentity check, string kind, bool wasUp, bool isUp, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Group {Group}: health {Before} -> {After} ({Reason})")]
    private partial void LogGroupChanged(int group, GroupStatus before, GroupStatus after, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Probe {Check}: passed={Passed} in {Milliseconds:F1} ms: {Message}")]
    private partial void LogProbe(HealthCheckIdentity check, bool passed, string message, double milliseconds);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "Health check {Check} stopped: removed or changed by a reload")]
    private partial void LogCheckRemoved(HealthCheckIdentity check);
}
