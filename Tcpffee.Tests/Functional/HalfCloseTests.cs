using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>A FIN from either side is passed on while the other direction keeps flowing.</summary>
public sealed class HalfCloseTests
{
    [Fact]
    public async Task HalfClose_ClientSendsFinFirst_BackendSeesEofAndItsReplyStillArrives()
    {
        // Reads the whole request, then answers with its size and closes: the answer depends on seeing the client's FIN.
        await using var backend = TestBackend.Start(async (socket, token) =>
        {
            var (length, _) = await HashedTransfer.ReceiveToEndAsync(socket, token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"saw {length} bytes\n")), SocketFlags.None, token);
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint));
        using var client = await proxy.ConnectAsync(2);

        await client.SendAsync(new byte[5000]);
        client.ShutdownSend();
        var (data, end) = await client.ReadToEndAsync();

        Assert.Equal("saw 5000 bytes\n", Encoding.ASCII.GetString(data));
        Assert.Equal(StreamEnd.Eof, end);
    }

    [Fact]
    public async Task HalfClose_BackendSendsFinFirst_ClientSeesEofAndCanStillSend()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint));
        using var client = await proxy.ConnectAsync(2);
        await client.SendAsync("hello ");
        var connection = await backend.NextConnectionAsync();
        await connection.WaitForReceivedAsync(6);

        await connection.SendAsync("bye");
        connection.ShutdownSend();
        var (data, end) = await client.ReadToEndAsync();
        await client.SendAsync("after the backend's FIN");

        Assert.Equal("bye", Encoding.ASCII.GetString(data));
        Assert.Equal(StreamEnd.Eof, end);
        var received = await connection.WaitForReceivedAsync("hello after the backend's FIN".Length);
        Assert.Equal("hello after the backend's FIN", Encoding.ASCII.GetString(received));
        Assert.False(connection.Ended.IsCompleted, "the backend's receiving side ended before the client sent FIN");

        client.ShutdownSend();

        Assert.Equal(StreamEnd.Eof, await connection.WaitForEndAsync());
    }
}
