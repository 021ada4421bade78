using System.Net.Sockets;

namespace Tcpffee.Proxy;

/// <summary>The backend socket could not take the client's address (IP_TRANSPARENT refused, or the families differ).</summary>
internal sealed class TransparentBindException : Exception
{
    public TransparentBindException()
    {
    }

    public TransparentBindException(string message) : base(message)
    {
    }

    public TransparentBindException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public static TransparentBindException From(SocketException ex) => new(
        ex.SocketErrorCode == SocketError.AccessDenied
            ? "IP_TRANSPARENT refused: tcpffee needs CAP_NET_ADMIN (or root) for transparent = true"
            : $"cannot bind to the client's address: {ex.Message}",
        ex);
}
