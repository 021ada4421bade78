namespace Tcpffee.Health;

internal sealed partial class HealthMonitor
{
    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "Health check {Check} stopped: removed or changed by a reload")]
    private partial void LogCheckRemoved(HealthCheckIdentity check);
}
