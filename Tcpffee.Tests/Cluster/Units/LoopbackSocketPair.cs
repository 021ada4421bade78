using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Two connected TCP sockets on the loopback interface.</summary>
internal sealed class LoopbackSocketPair : IDisposable
{
    private LoopbackSocketPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    public Socket Client { get; }

    public Socket Server { get; }

    public static async Task<LoopbackSocketPair> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var accepting = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            var server = await accepting;
            server.NoDelay = true;
            return new LoopbackSocketPair(client, server);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
