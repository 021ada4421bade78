using System.Net;
using System.Net.Sockets;
using Tcpffee.Configuration;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>Bulk data goes through intact in both directions at once.</summary>
public sealed class LargeTransferTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// 64 MiB with the address key; 8 MiB with a first-message key, whose first read is handed over from the key peek;
    /// 64 MiB behind a PROXY header and a first-message key, where the header is dropped and what was read after it handed over.
    /// </summary>
    [Theory]
    [InlineData(false, false, 64)]
    [InlineData(true, false, 8)]
    [InlineData(true, true, 64)]
    public async Task Transfer_LargeStreamEachWayConcurrently_BothStreamsArriveIntact(bool firstMessageKey, bool proxyHeader, int mebibytes)
    {
        var length = mebibytes * MiB;
        var environment = firstMessageKey ? new TcpffeeEnvironment { KeyType = KeyType.IpWithFirstMessageSlice, SliceStart = 3, SliceEnd = 40 } : new TcpffeeEnvironment();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var backendResult = new TaskCompletionSource<(byte[] Sent, long ReceivedLength, byte[] Received)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = TestBackend.Start(async (socket, token) =>
        {
            try
            {
                var receiving = HashedTransfer.ReceiveToEndAsync(socket, token);
                var sent = await HashedTransfer.SendRandomAsync(socket, length, seed: 2, token);
                socket.Shutdown(SocketShutdown.Send);
                var (receivedLength, received) = await receiving;
                backendResult.TrySetResult((sent, receivedLength, received));
            }
            catch (Exception ex)
            {
                backendResult.TrySetException(ex);
            }
        });
        var config = OnePort(backend.EndPoint) with { AcceptProxy = proxyHeader, AcceptProxyFrom = Networks.Of("127.0.0.0/8") };
        await using var proxy = await ProxyHost.StartAsync(config, environment);
        using var client = await proxy.ConnectAsync(2);
        if (proxyHeader)
        {
            await client.SendAsync(HeaderBytes.For(2, IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("198.51.100.10:443")));
        }

        var clientReceiving = HashedTransfer.ReceiveToEndAsync(client.Socket, cancellation.Token);
        var clientSent = await HashedTransfer.SendRandomAsync(client.Socket, length, seed: 1, cancellation.Token);
        client.ShutdownSend();
        var (clientReceivedLength, clientReceived) = await clientReceiving;
        var atBackend = await backendResult.Task.WaitAsync(cancellation.Token);

        Assert.Equal(length, atBackend.ReceivedLength);
        Assert.Equal(Convert.ToHexString(clientSent), Convert.ToHexString(atBackend.Received));
        Assert.Equal(length, clientReceivedLength);
        Assert.Equal(Convert.ToHexString(atBackend.Sent), Convert.ToHexString(clientReceived));
    }
}
