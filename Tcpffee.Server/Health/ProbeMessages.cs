using System.Net.Sockets;

namespace Tcpffee.Health;

/// <summary>Short, operator-facing words for why a probe failed.</summary>
internal static class ProbeMessages
{
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "timeout",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset",
        _ => error.ToString(),
    };
}
