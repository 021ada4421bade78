using System.Buffers.Binary;
using System.Net.Sockets;

namespace Tcpffee.Cluster;

/// <summary>
/// The proposals socket's framing. Request: u32 length (of what follows), u8 command id, u8 hops, payload.
/// Response: u8 status, i32 value, i64 log index. Little-endian.
/// </summary>
internal static class ProposalWire
{
    public const int MaxPayload = 1024 * 1024;
    private const int ResponseLength = 13;

    public static async ValueTask WriteRequestAsync(Socket socket, int commandId, byte hops, ReadOnlyMemory<byte> payload, CancellationToken cancellation)
    {
        var frame = new byte[6 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(2 + payload.Length));
        frame[4] = (byte)commandId;
        frame[5] = hops;
        payload.CopyTo(frame.AsMemory(6));
        await socket.SendAsync(frame, SocketFlags.None, cancellation).ConfigureAwait(false);
    }

    /// <summary>Reads one request, or returns null when the peer closed the connection between requests.</summary>
    public static async ValueTask<(int CommandId, byte Hops, byte[] Payload)?> ReadRequestAsync(Socket socket, CancellationToken cancellation)
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(socket, header, cancellation).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length is < 2 or > MaxPayload + 2)
        {
            throw new InvalidDataException($"A proposal frame of {length} bytes is out of range.");
        }

        var body = new byte[length];
        if (!await ReadExactlyAsync(socket, body, cancellation).ConfigureAwait(false))
        {
            throw new EndOfStreamException("The proposal frame was cut short.");
        }

        return (body[0], body[1], body[2..]);
    }

    public static async ValueTask WriteResponseAsync(Socket socket, ProposalResult result, CancellationToken cancellation)
    {
        var frame = new byte[ResponseLength];
        frame[0] = (byte)result.Status;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(1), result.Value);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(5), result.Index);
        await socket.SendAsync(frame, SocketFlags.None, cancellation).ConfigureAwait(false);
    }

    public static async ValueTask<ProposalResult> ReadResponseAsync(Socket socket, CancellationToken cancellation)
    {
        var frame = new byte[ResponseLength];
        if (!await ReadExactlyAsync(socket, frame, cancellation).ConfigureAwait(false))
        {
            throw new EndOfStreamException("The leader closed the proposals connection.");
        }

        return new ProposalResult(
            (ProposalStatus)frame[0],
            BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(1)),
            BinaryPrimitives.ReadInt64LittleEndian(frame.AsSpan(5)));
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellation)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellation).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("The proposals connection closed mid-frame.");
            }

            read += n;
        }

        return true;
    }
}
