using System.Buffers.Binary;
using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>
/// Encodes and decodes the stick table's commands. Every command starts with the same 20-byte header, which the
/// leader overwrites before it replicates: its own wall-clock time, the expiration and the bound it runs with.
/// Nothing a replica applies depends on the replica's own clock or configuration.
/// </summary>
/// <remarks>
/// Header: i64 time (Unix ms), i64 expiration (ms), i32 max entries. Then, per kind:
/// Assign: i32 group, i32 replacing (-1 for none), key bytes; Touch: (u16 length, key bytes)*; Forget: key bytes;
/// Expire: nothing. All integers are little-endian.
/// </remarks>
internal static class StickCommand
{
    public const int HeaderLength = 20;

    /// <summary>The largest Touch payload a proxy sends in one command.</summary>
    public const int MaxTouchLength = 256 * 1024;

    public static byte[] Assign(StickKey key, int groupId, int? replacing)
    {
        var bytes = new byte[HeaderLength + 8 + key.Bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderLength), groupId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderLength + 4), replacing ?? -1);
        key.Bytes.CopyTo(bytes.AsSpan(HeaderLength + 8));
        return bytes;
    }

    public static byte[] Forget(StickKey key)
    {
        var bytes = new byte[HeaderLength + key.Bytes.Length];
        key.Bytes.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    public static byte[] Expire() => new byte[HeaderLength];

    /// <summary>Packs keys into Touch commands of at most <see cref="MaxTouchLength"/> bytes each.</summary>
    public static IEnumerable<byte[]> Touch(IEnumerable<StickKey> keys)
    {
        var buffer = new MemoryStream();
        buffer.Write(new byte[HeaderLength]);
        var length = new byte[2];
        foreach (var key in keys)
        {
            if (buffer.Length + 2 + key.Bytes.Length > MaxTouchLength)
            {
                yield return buffer.ToArray();
                buffer.SetLength(HeaderLength);
            }

            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)key.Bytes.Length);
            buffer.Write(length);
            buffer.Write(key.Bytes);
        }

        if (buffer.Length > HeaderLength)
        {
            yield return buffer.ToArray();
        }
    }

    /// <summary>The leader's stamp: its time and the settings every replica applies the command with.</summary>
    public static void Stamp(Span<byte> command, long unixMilliseconds, TimeSpan expiration, int maxEntries)
    {
        BinaryPrimitives.WriteInt64LittleEndian(command, unixMilliseconds);
        BinaryPrimitives.WriteInt64LittleEndian(command[8..], (long)expiration.TotalMilliseconds);
        BinaryPrimitives.WriteInt32LittleEndian(command[16..], maxEntries);
    }

    /// <summary>Whether <paramref name="command"/> is a whole, parseable command of <paramref name="kind"/>.</summary>
    public static bool IsWellFormed(StickCommandKind kind, ReadOnlySpan<byte> command)
    {
        if (command.Length < HeaderLength)
        {
            return false;
        }

        var body = command[HeaderLength..];
        switch (kind)
        {
            case StickCommandKind.Assign:
                return body.Length > 8 && StickKey.IsSerializedKey(body[8..]);
            case StickCommandKind.Forget:
                return StickKey.IsSerializedKey(body);
            case StickCommandKind.Expire:
                return body.IsEmpty;
            case StickCommandKind.Touch:
                while (!body.IsEmpty)
                {
                    if (body.Length < 2)
                    {
                        return false;
                    }

                    int length = BinaryPrimitives.ReadUInt16LittleEndian(body);
                    if (body.Length < 2 + length || !StickKey.IsSerializedKey(body.Slice(2, length)))
                    {
                        return false;
                    }

                    body = body[(2 + length)..];
                }

                return true;
            default:
                return false;
        }
    }

    public static (long Time, long ExpirationMs, int MaxEntries) ReadHeader(ReadOnlySpan<byte> command) => (
        BinaryPrimitives.ReadInt64LittleEndian(command),
        BinaryPrimitives.ReadInt64LittleEndian(command[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(command[16..]));

    public static (int GroupId, int? Replacing, StickKey Key) ReadAssign(ReadOnlySpan<byte> command)
    {
        var body = command[HeaderLength..];
        var replacing = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        return (BinaryPrimitives.ReadInt32LittleEndian(body), replacing < 0 ? null : replacing, StickKey.FromBytes(body[8..]));
    }

    public static StickKey ReadForget(ReadOnlySpan<byte> command) => StickKey.FromBytes(command[HeaderLength..]);

    public static List<StickKey> ReadTouch(ReadOnlySpan<byte> command)
    {
        var keys = new List<StickKey>();
        var body = command[HeaderLength..];
        while (body.Length >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(body);
            keys.Add(StickKey.FromBytes(body.Slice(2, length)));
            body = body[(2 + length)..];
        }

        return keys;
    }
}
