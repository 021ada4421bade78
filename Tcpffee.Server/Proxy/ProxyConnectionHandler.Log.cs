using System.Net;
using Tcpffee.StickTable;

namespace Tcpffee.Proxy;

internal sealed partial class ProxyConnectionHandler
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Connection from {Client} key={Key} group={Group} backend={Backend} up={BytesUp} down={BytesDown} duration={DurationMs:F1}ms end={Outcome}")]
    private partial void LogClosed(IPEndPoint client, StickKey key, int group, IPEndPoint? backend, long bytesUp, long bytesDown, double durationMs, ConnectionOutcome outcome);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No group is up on port {Port}: closing the connection from {Client} (key {Key}); {LeftOut} more since the last line")]
    private partial void LogNoEligibleGroup(IPEndPoint client, int port, StickKey key, long leftOut);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Group {Group} is transparent, but connecting from the client's address fails: {Reason}. Connections to it fail until this is fixed")]
    private partial void LogTransparentFailed(int group, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Cannot connect to group {Group} backend {Backend} for {Client}: {Reason}; {LeftOut} more since the last line")]
    private partial void LogConnectFailed(IPEndPoint client, int group, IPEndPoint backend, string reason, long leftOut);
}
