using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Tcpffee.StickTable;

// Reading and verifying saved stick tables; never throws on bad input.
internal static partial class StickTableFile
{
    /// <summary>Reads <paramref name="path"/> and returns the entries still unexpired at <paramref name="now"/>, soonest expiry first.</summary>
    public static StickTableLoadResult Load(string path, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return StickTableLoadResult.Missing;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return StickTableLoadResult.Unreadable(ex.Message);
        }

        return Parse(data, now);
    }

    /// <summary>Parses the contents of a saved stick table; see <see cref="StickTableFile"/> for the format.</summary>
    public static StickTableLoadResult Parse(ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        if (data.Length < HeaderLength)
        {
            return data.Length >= Magic.Length && !data[..Magic.Length].SequenceEqual(Magic)
                ? StickTableLoadResult.Corrupt("Not a stick table file (bad magic).")
                : StickTableLoadResult.Corrupt($"Truncated: {data.Length} bytes is shorter than an empty table.");
        }

        if (!data[..Magic.Length].SequenceEqual(Magic))
        {
            return StickTableLoadResult.Corrupt("Not a stick table file (bad magic).");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        int checksumLength = version switch
        {
            FormatVersion => ChecksumLength,
            Sha256FormatVersion => Sha256ChecksumLength,
            _ => 0,
        };
        if (checksumLength == 0 || BinaryPrimitives.ReadUInt16LittleEndian(data[10..]) != 0)
        {
            return StickTableLoadResult.Corrupt($"Unsupported format version {version}.");
        }

        if (data.Length < HeaderLength + checksumLength)
        {
            return StickTableLoadResult.Corrupt($"Truncated: {data.Length} bytes is shorter than an empty table.");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        ReadOnlySpan<byte> body = data[HeaderLength..^checksumLength];
        if (count < 0 || count > body.Length / MinRecordLength)
        {
            return StickTableLoadResult.Corrupt($"Truncated: the header announces {count} records but only {body.Length} bytes follow.");
        }

        var records = new List<StickTableRecord>(count);
        int dropped = 0;
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            if (!TryReadRecord(body, ref offset, out var record, out string? error))
            {
                return StickTableLoadResult.Corrupt($"Record {i} of {count}: {error}");
            }

            if (record.ExpiresAt > now)
            {
                records.Add(record);
            }
            else
            {
                dropped++;
            }
        }

        if (offset != body.Length)
        {
            return StickTableLoadResult.Corrupt($"{body.Length - offset} unexpected bytes after the last record.");
        }

        if (!ChecksumMatches(version, data[..^checksumLength], data[^checksumLength..]))
        {
            return StickTableLoadResult.Corrupt("Checksum mismatch: the file is damaged.");
        }

        records.Sort(static (a, b) => a.ExpiresAt.CompareTo(b.ExpiresAt));
        return new StickTableLoadResult(StickTableLoadStatus.Loaded, records, dropped, null);
    }

    // SHA-256, and with it OpenSSL, is loaded only to read a file an earlier release wrote.
    private static bool ChecksumMatches(ushort version, ReadOnlySpan<byte> content, ReadOnlySpan<byte> checksum) =>
        version == Sha256FormatVersion
            ? SHA256.HashData(content).AsSpan().SequenceEqual(checksum)
            : XxHash128.Hash(content).AsSpan().SequenceEqual(checksum);

    private static bool TryReadRecord(ReadOnlySpan<byte> body, ref int offset, out StickTableRecord record, out string? error)
    {
        record = default;
        ReadOnlySpan<byte> rest = body[offset..];
        if (rest.Length < sizeof(ushort))
        {
            error = "truncated.";
            return false;
        }

        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        int length = sizeof(ushort) + keyLength + sizeof(int) + sizeof(long);
        if (rest.Length < length)
        {
            error = "truncated.";
            return false;
        }

        if (!StickKey.TryFromBytes(rest.Slice(sizeof(ushort), keyLength), out var key))
        {
            error = "invalid key.";
            return false;
        }

        int groupId = BinaryPrimitives.ReadInt32LittleEndian(rest[(sizeof(ushort) + keyLength)..]);
        long expiresTicks = BinaryPrimitives.ReadInt64LittleEndian(rest[(sizeof(ushort) + keyLength + sizeof(int))..]);
        if (expiresTicks < DateTimeOffset.MinValue.UtcTicks || expiresTicks > DateTimeOffset.MaxValue.UtcTicks)
        {
            error = "expiry out of range.";
            return false;
        }

        record = new StickTableRecord(key, groupId, new DateTimeOffset(expiresTicks, TimeSpan.Zero));
        offset += length;
        error = null;
        return true;
    }
}
