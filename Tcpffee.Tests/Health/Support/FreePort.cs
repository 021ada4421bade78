using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Health.Support;

/// <summary>Loopback ports free right now, for a child process that must be told its ports in a config file.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
