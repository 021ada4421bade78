using System.Net;
using Tcpffee.Configuration;

namespace Tcpffee.Hosting;

/// <summary>The host's own log lines: the one that says the proxy is ready, the one that says it stopped, and what start found.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "tcpffee {Version} started (PID {Pid}): proxying {Ports}, stats on http://{Stats}")]
    public static partial void Started(ILogger logger, string version, int pid, string ports, IPEndPoint stats);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, ConfigError warning);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Raised the open-file limit from {Before} to {Soft}, the hard limit")]
    public static partial void DescriptorLimitRaised(ILogger logger, ulong? before, ulong? soft);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "max_connections = {MaxConnections} needs about {Needed} file descriptors (2 per connection, {Open} open at start, {Reserve} in reserve, {Margin} spare) but the limit is {Soft} (hard {Hard}): past it, new clients wait in the kernel's queue. Raise LimitNOFILE or ulimit -n, or lower max_connections")]
    public static partial void DescriptorLimitTooLow(ILogger logger, int maxConnections, ulong needed, int open, int reserve, int margin, ulong? soft, ulong? hard);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Cannot raise the open-file limit: {Reason}")]
    public static partial void DescriptorLimitNotRaised(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "tcpffee stopped")]
    public static partial void Stopped(ILogger logger);
}
