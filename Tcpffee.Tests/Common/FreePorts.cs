using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Common;

/// <summary>Ports that were free a moment ago, for the few places that cannot bind port 0 and read the port back (files, child processes).</summary>
internal static class FreePorts
{
    /// <summary>A port free on <paramref name="address"/> (IPv4 loopback by default) right now.</summary>
    public static int Next(IPAddress? address = null) => Next(1, address)[0];

    /// <summary><paramref name="count"/> distinct ports, all held at once while they are picked so they cannot repeat.</summary>
    public static int[] Next(int count, IPAddress? address = null)
    {
        var bind = address ?? IPAddress.Loopback;
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(bind, 0));
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
