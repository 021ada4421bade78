using System.Buffers.Binary;
using System.Net.Sockets;
using Tcpffee.Cluster;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The proposals socket's framing, over a connected loopback socket pair.</summary>
public sealed class ProposalWireTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(2, 1, 1)]
    [InlineData(4, 0, 20)]
    [InlineData(255, 255, 70_000)]
    [InlineData(3, 0, ProposalWire.MaxPayload)]
    public async Task Request_WrittenThenRead_SameCommandHopsAndPayload(int commandId, int hops, int length)
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        var payload = Payload(length);

        var writing = ProposalWire.WriteRequestAsync(pair.Client, commandId, (byte)hops, payload, timeout.Token).AsTask();
        var request = await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token);
        await writing;

        Assert.NotNull(request);
        Assert.Equal(commandId, request.Value.CommandId);
        Assert.Equal((byte)hops, request.Value.Hops);
        Assert.Equal(payload, request.Value.Payload);
    }

    [Fact]
    public async Task Request_SeveralBackToBack_ReadInOrderThenNullWhenClosed()
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);

        for (var i = 1; i <= 3; i++)
        {
            await ProposalWire.WriteRequestAsync(pair.Client, i, (byte)(i - 1), Payload(i * 100), timeout.Token);
        }

        pair.Client.Shutdown(SocketShutdown.Send);

        for (var i = 1; i <= 3; i++)
        {
            var request = await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token);
            Assert.Equal((i, (byte)(i - 1)), (request!.Value.CommandId, request.Value.Hops));
            Assert.Equal(Payload(i * 100), request.Value.Payload);
        }

        Assert.Null(await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token));
    }

    [Theory]
    [InlineData("Committed", 7, 123_456_789_012L)]
    [InlineData("Committed", -1, 1L)]
    [InlineData("Retry", 0, 0L)]
    [InlineData("Rejected", int.MinValue, long.MaxValue)]
    public async Task Response_WrittenThenRead_SameResult(string statusName, int value, long index)
    {
        var status = Enum.Parse<ProposalStatus>(statusName);
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        var result = new ProposalResult(status, value, index);

        await ProposalWire.WriteResponseAsync(pair.Server, result, timeout.Token);

        Assert.Equal(result, await ProposalWire.ReadResponseAsync(pair.Client, timeout.Token));
    }

    [Fact]
    public async Task RequestAndResponse_BothDirectionsOnOneConnection_RoundTrip()
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);

        await ProposalWire.WriteRequestAsync(pair.Client, 1, 0, Payload(40), timeout.Token);
        var request = await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token);
        await ProposalWire.WriteResponseAsync(pair.Server, new ProposalResult(ProposalStatus.Committed, request!.Value.Payload.Length, 9), timeout.Token);
        var response = await ProposalWire.ReadResponseAsync(pair.Client, timeout.Token);

        Assert.Equal(new ProposalResult(ProposalStatus.Committed, 40, 9), response);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData((uint)ProposalWire.MaxPayload + 3)]
    [InlineData(uint.MaxValue)]
    public async Task ReadRequest_FrameLengthOutOfRange_ThrowsInvalidData(uint length)
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        var frame = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, length);
        await pair.Client.SendAsync(frame, SocketFlags.None, timeout.Token);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token));
    }

    [Fact]
    public async Task ReadRequest_PayloadOverMaxWritten_ThrowsInvalidData()
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);

        // The writer does not check; the reader refuses before reading the body.
        var writing = ProposalWire.WriteRequestAsync(pair.Client, 1, 0, new byte[ProposalWire.MaxPayload + 1], timeout.Token).AsTask();

        await Assert.ThrowsAsync<InvalidDataException>(async () => await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token));
        pair.Server.Dispose();

        // Whether the writer saw the reset or had already handed everything to the kernel does not matter here.
        await Record.ExceptionAsync(() => writing);
    }

    [Fact]
    public async Task ReadRequest_ClosedMidFrame_ThrowsEndOfStream()
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        var frame = new byte[4 + 2 + 5];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 2 + 10);
        await pair.Client.SendAsync(frame, SocketFlags.None, timeout.Token);
        pair.Client.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await ProposalWire.ReadRequestAsync(pair.Server, timeout.Token));
    }

    [Fact]
    public async Task ReadResponse_ClosedBeforeAnswer_ThrowsEndOfStream()
    {
        using var pair = await LoopbackSocketPair.ConnectAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        pair.Server.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await ProposalWire.ReadResponseAsync(pair.Client, timeout.Token));
    }
}
