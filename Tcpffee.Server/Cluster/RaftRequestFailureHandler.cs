using Microsoft.AspNetCore.Diagnostics;

namespace Tcpffee.Cluster;

/// <summary>
/// Answers a Raft request that failed inside dotNext (a malformed one, or one cut off mid-body) with a bare 500. Its
/// own handler would write the exception's text, stack trace included, into the answer.
/// </summary>
internal sealed partial class RaftRequestFailureHandler(string group, ILogger<RaftRequestFailureHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        LogFailed(group, httpContext.Connection.RemoteIpAddress, httpContext.Request.Headers["X-Raft-Message-Type"].ToString(), exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return ValueTask.FromResult(true);
    }

    [LoggerMessage(EventId = 73, Level = LogLevel.Warning, Message = "Raft group {Group}: a request from {Remote} ({MessageType}) failed: {Reason}")]
    private partial void LogFailed(string group, System.Net.IPAddress? remote, string messageType, string reason);
}
