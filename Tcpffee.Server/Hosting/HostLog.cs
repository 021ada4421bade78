using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Hosting;

/// <summary>The host's own log lines: the one that says the proxy is ready, and the one that says it stopped.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "tcpffee {Version} started (PID {Pid}): proxying {Ports}, stats on http://{Stats}")]
    public static partial void Started(ILogger logger, string version, int pid, string ports, IPEndPoint stats);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, ConfigError warning);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "tcpffee stopped")]
    public static partial void Stopped(ILogger logger);
}
