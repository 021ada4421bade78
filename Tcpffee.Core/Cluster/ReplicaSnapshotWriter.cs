using System.Buffers;
using System.Buffers.Binary;

namespace Tcpffee.Cluster;

/// <summary>
/// Writes the snapshot of a replicated state machine, stick table or health alike: the format marker, then
/// little-endian integers and byte strings prefixed by their u16 length, the primitives the commands are made of.
/// </summary>
internal sealed class ReplicaSnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReplicaSnapshotWriter() => WriteInt64(-ReplicaSnapshotReader.CurrentFormat);

    public void WriteByte(byte value) => _buffer.Write([value]);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(sizeof(int)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(sizeof(long)), value);

    /// <summary>Writes u16 length, then the bytes: a stick key or a check's identity, as the commands carry them.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, $"A snapshot holds byte strings of at most {ushort.MaxValue} bytes.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(Take(sizeof(ushort)), (ushort)value.Length);
        _buffer.Write(value);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private Span<byte> Take(int length)
    {
        var span = _buffer.GetSpan(length)[..length];
        _buffer.Advance(length);
        return span;
    }
}
