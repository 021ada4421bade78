using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Reload.Support;

/// <summary>Loopback ports that are free right now: bound to port 0, read, and released, so parallel servers do not collide.</summary>
public static class FreePorts
{
    /// <summary><paramref name="count"/> distinct free ports; all are held until every one is read, so none repeats.</summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    public static int Take() => Take(1)[0];
}
