namespace Tcpffee.Configuration;

/// <summary>The HTTP methods a health check may send.</summary>
internal enum HttpCheckMethod
{
    Get,
    Post,
}
