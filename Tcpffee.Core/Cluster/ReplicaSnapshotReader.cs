using System.Buffers.Binary;
using System.Text;

namespace Tcpffee.Cluster;

/// <summary>Reads what <see cref="ReplicaSnapshotWriter"/> wrote, and says which format a snapshot is in.</summary>
/// <remarks>
/// Format 2 and later start with the i64 <c>-format</c>. Format 1, the first release's, had no marker: the stick table's
/// started with its expiration (an i64, never negative) and health's with its count of checks (an i32, never negative),
/// so neither can start with a negative i64 that fits in an i32. A truncated or malformed snapshot is a
/// <see cref="FormatException"/>, never a half-restored state.
/// </remarks>
internal ref struct ReplicaSnapshotReader
{
    /// <summary>The format this release writes.</summary>
    public const int CurrentFormat = 2;

    private ReadOnlySpan<byte> _rest;

    /// <summary>Opens <paramref name="snapshot"/>, past its marker when it has one.</summary>
    /// <exception cref="FormatException">A marker of a format this release does not read.</exception>
    public ReplicaSnapshotReader(ReadOnlySpan<byte> snapshot)
    {
        _rest = snapshot;
        Format = 1;
        if (snapshot.Length >= sizeof(long) && BinaryPrimitives.ReadInt64LittleEndian(snapshot) is < 0 and >= int.MinValue and var marker)
        {
            if (-marker != CurrentFormat)
            {
                throw new FormatException($"The snapshot is in format {-marker}; this release reads formats 1 and {CurrentFormat}.");
            }

            Format = CurrentFormat;
            _rest = snapshot[sizeof(long)..];
        }
    }

    /// <summary>Gets the snapshot's format: 1 for the first release's, else <see cref="CurrentFormat"/>.</summary>
    public int Format { get; }

    public readonly bool IsAtEnd => _rest.IsEmpty;

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    /// <summary>Reads a count of items that each take at least <paramref name="itemLength"/> bytes, checked against what is left.</summary>
    public int ReadCount(int itemLength)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * itemLength > _rest.Length)
        {
            throw new FormatException($"The snapshot counts {count} items of at least {itemLength} bytes with {_rest.Length} bytes left.");
        }

        return count;
    }

    /// <summary>Reads u16 length, then the bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort))));

    /// <summary>Reads a string as <see cref="BinaryWriter"/> wrote it: a 7-bit encoded length, then UTF-8. Format 1 of health only.</summary>
    public string ReadFormat1String()
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
            {
                throw new FormatException("The snapshot holds a string length of more than 5 bytes.");
            }

            var part = ReadByte();
            length |= (part & 0x7f) << shift;
            if (part < 0x80)
            {
                break;
            }
        }

        if (length < 0)
        {
            throw new FormatException($"The snapshot holds a string of {length} bytes.");
        }

        return Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Fails unless every byte was read: a longer snapshot is not one this code wrote.</summary>
    public readonly void EnsureAtEnd()
    {
        if (!_rest.IsEmpty)
        {
            throw new FormatException($"The snapshot has {_rest.Length} bytes past its end.");
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (_rest.Length < length)
        {
            throw new FormatException($"The snapshot ends {length - _rest.Length} bytes early.");
        }

        var taken = _rest[..length];
        _rest = _rest[length..];
        return taken;
    }
}
