using Tcpffee.Storage;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace Tcpffee.StickTable;

/// <summary>Saves and loads stick table snapshots in a compact, checksummed binary file, replacing it atomically.</summary>
/// <remarks>
/// Format, little-endian:
/// header (24 bytes): magic "TCPFSTAB", version u16 (2), reserved u16 (0), record count i32, saved-at i64;
/// each record: key length u16, key bytes (<see cref="StickKey.Bytes"/>), group id i32, expires-at i64;
/// trailer: XXH128 of everything before it (SHA-256 in version 1). Times are UTC <see cref="DateTime.Ticks"/>.
/// The checksum detects damage, not tampering, so it need not be cryptographic: SHA-256 cost the process its OpenSSL
/// libraries, about 5 MiB of resident memory, for a hash that guards a file only the proxy writes.
/// </remarks>
internal static partial class StickTableFile
{
    public const ushort FormatVersion = 2;

    /// <summary>The version an earlier release wrote, with a SHA-256 trailer; still read, so an upgrade keeps the table.</summary>
    public const ushort Sha256FormatVersion = 1;

    private const int HeaderLength = 24;
    private const int ChecksumLength = 16;
    private const int Sha256ChecksumLength = 32;
    private const int MinRecordLength = sizeof(ushort) + 5 + sizeof(int) + sizeof(long);
    private const int MaxRecordLength = sizeof(ushort) + StickKey.MaxByteLength + sizeof(int) + sizeof(long);
    private const int BufferLength = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "TCPFSTAB"u8;

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> atomically, creating the directory if needed.</summary>
    /// <remarks>Entries with open connections are saved as if they closed at <paramref name="now"/>: expiring at now + expiration.</remarks>
    public static void Save(string path, IReadOnlyList<StickEntrySnapshot> entries, TimeSpan expiration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        AtomicFile.Write(path, stream => Write(stream, entries, now + expiration, now));
    }

    private static void Write(Stream stream, IReadOnlyList<StickEntrySnapshot> entries, DateTimeOffset openExpiresAt, DateTimeOffset now)
    {
        var checksum = new XxHash128();
        var buffer = new byte[BufferLength];
        int used = WriteHeader(buffer, entries.Count, now);
        foreach (var entry in entries)
        {
            if (buffer.Length - used < MaxRecordLength)
            {
                Flush();
            }

            used += WriteRecord(buffer.AsSpan(used), entry.Key, entry.GroupId, entry.ExpiresAt ?? openExpiresAt);
        }

        Flush();
        stream.Write(checksum.GetCurrentHash());

        void Flush()
        {
            checksum.Append(buffer.AsSpan(0, used));
            stream.Write(buffer, 0, used);
            used = 0;
        }
    }

    private static int WriteHeader(Span<byte> destination, int count, DateTimeOffset now)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], now.UtcTicks);
        return HeaderLength;
    }

    private static int WriteRecord(Span<byte> destination, StickKey key, int groupId, DateTimeOffset expiresAt)
    {
        ReadOnlySpan<byte> keyBytes = key.Bytes;
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)keyBytes.Length);
        keyBytes.CopyTo(destination[sizeof(ushort)..]);
        int offset = sizeof(ushort) + keyBytes.Length;
        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], groupId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + sizeof(int))..], expiresAt.UtcTicks);
        return offset + sizeof(int) + sizeof(long);
    }
}
