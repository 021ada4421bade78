using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Tcpffee.Listeners;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Listeners;

/// <summary>
/// The proxied ports' connection on its own, over a real loopback socket pair: what a pipeline that is not the proxy's
/// gets from it (pipes on demand, features, the closed token), so that middleware on these ports keeps working.
/// </summary>
public sealed class ProxySocketConnectionTests
{
    private static async Task<(ProxySocketConnection Connection, Socket Peer)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!);
        return (new ProxySocketConnection(await listener.AcceptAsync()), peer);
    }

    [Fact]
    public async Task Transport_AskedFor_PipesReadAndWriteTheSocket()
    {
        var (connection, peer) = await PairAsync();
        await using var _ = connection;
        using var __ = peer;
        Assert.False(connection.HasPipes);

        await peer.SendAsync(Encoding.ASCII.GetBytes("ping"), SocketFlags.None);
        var read = await connection.Transport.Input.ReadAtLeastAsync(4).AsTask().WaitAsync(Eventually.DefaultTimeout);
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes("pong"));
        var reply = new byte[4];
        var received = await peer.ReceiveAsync(reply.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Eventually.DefaultTimeout);

        Assert.True(connection.HasPipes);
        Assert.Equal("ping", Encoding.ASCII.GetString(read.Buffer.FirstSpan));
        Assert.Equal("pong", Encoding.ASCII.GetString(reply, 0, received));
    }

    [Fact]
    public async Task Features_SocketOwnAndSet_AllFound()
    {
        var (connection, peer) = await PairAsync();
        await using var _ = connection;
        using var __ = peer;
        var item = new Uri("http://example.invalid/");

        connection.Features.Set(item);

        Assert.Same(connection.Socket, connection.Features.Get<IConnectionSocketFeature>()!.Socket);
        Assert.Same(connection, connection.Features.Get<IConnectionLifetimeFeature>());
        Assert.Same(item, connection.Features.Get<Uri>());
        Assert.Null(connection.Features.Get<TrackedConnection>());
        Assert.Contains(connection.Features, pair => pair.Key == typeof(IConnectionSocketFeature));
        Assert.Contains(connection.Features, pair => pair.Key == typeof(Uri));
        Assert.Equal(((IPEndPoint)peer.LocalEndPoint!).Port, ((IPEndPoint)connection.RemoteEndPoint!).Port);
    }

    [Fact]
    public async Task Abort_PeerSeesEndAndClosedTokenFires()
    {
        var (connection, peer) = await PairAsync();
        using var _ = peer;
        var closed = connection.ConnectionClosed;
        Assert.False(closed.IsCancellationRequested);

        connection.Abort(new ConnectionAbortedException("test"));
        var received = await peer.ReceiveAsync(new byte[1].AsMemory(), SocketFlags.None).AsTask().WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(0, received);
        Assert.True(closed.IsCancellationRequested);
        Assert.True(connection.ConnectionClosed.IsCancellationRequested);
        await connection.DisposeAsync();
    }
}
