namespace Tcpffee.Configuration;

/// <summary>The HTTP methods a health check may send.</summary>
public enum HttpCheckMethod
{
    Get,
    Post,
}
