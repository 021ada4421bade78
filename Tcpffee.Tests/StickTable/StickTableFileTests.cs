using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for saving and loading stick table files.</summary>
public sealed class StickTableFileTests : IDisposable
{
    private static readonly TimeSpan Expiration = StickTableTestClock.Expiration;
    private readonly StickTableTestClock _clock = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tcpffee-tests", Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_directory, "state", "stick.bin");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void SaveLoad_MixedEntries_RoundTripsWithOpenEntriesExpiringAfterFullExpiration()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1", "s\0\xff"), 1);
        table.Assign(Key("2001:db8::1"), 2);
        table.Release(Key("2001:db8::1"));
        _clock.Time.Advance(TimeSpan.FromMinutes(10));
        var now = _clock.Time.GetUtcNow();

        StickTableFile.Save(FilePath, table.Snapshot(), table.Expiration, now);
        var result = StickTableFile.Load(FilePath, now);

        Assert.Equal(StickTableLoadStatus.Loaded, result.Status);
        Assert.Null(result.Error);
        Assert.Equal(0, result.DroppedExpired);
        Assert.Equal(
            [
                new StickTableRecord(Key("2001:db8::1"), 2, StickTableTestClock.Start + Expiration),
                new StickTableRecord(Key("10.0.0.1", "s\0\xff"), 1, now + Expiration),
            ],
            result.Entries);
    }

    [Fact]
    public void SaveLoad_ClockAdvancesBetween_DropsExpiredAndRestoresTheRest()
    {
        var table = _clock.NewTable();
        table.Assign(Key(1), 1);
        table.Assign(Key(2), 2);
        table.Release(Key(2));
        _clock.Time.Advance(TimeSpan.FromMinutes(20));
        StickTableFile.Save(FilePath, table.Snapshot(), table.Expiration, _clock.Time.GetUtcNow());

        _clock.Time.Advance(TimeSpan.FromMinutes(15));
        var now = _clock.Time.GetUtcNow();
        var result = StickTableFile.Load(FilePath, now);
        var restored = _clock.NewTable();
        foreach (var record in result.Entries)
        {
            Assert.True(restored.Restore(record.Key, record.GroupId, record.ExpiresAt - now));
        }

        Assert.Equal(1, result.Loaded);
        Assert.Equal(1, result.DroppedExpired);
        Assert.Null(restored.Lookup(Key(2)));
        Assert.Equal(1, restored.Lookup(Key(1)));
        Assert.Equal(now + TimeSpan.FromMinutes(15), Assert.Single(restored.Snapshot()).ExpiresAt);
    }

    [Fact]
    public void SaveLoad_EmptyTable_LoadsNothing()
    {
        StickTableFile.Save(FilePath, [], Expiration, _clock.Time.GetUtcNow());

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Loaded, result.Status);
        Assert.Empty(result.Entries);
    }

    [Fact]
    public void Save_MissingDirectory_CreatesItAndLeavesNoTemporaryFile()
    {
        SaveTwoEntries();

        Assert.True(File.Exists(FilePath));
        Assert.Equal(["stick.bin"], Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_ExistingFile_ReplacesIt()
    {
        SaveTwoEntries();

        StickTableFile.Save(FilePath, [new StickEntrySnapshot(Key(7), 7, 1, null)], Expiration, _clock.Time.GetUtcNow());

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());
        Assert.Equal(Key(7), Assert.Single(result.Entries).Key);
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public void Load_MissingFile_ReturnsMissing()
    {
        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Missing, result.Status);
        Assert.Empty(result.Entries);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(40)]
    [InlineData(60)]
    [InlineData(-33)]
    [InlineData(-32)]
    [InlineData(-17)]
    [InlineData(-16)]
    [InlineData(-1)]
    public void Load_TruncatedFile_ReturnsCorrupt(int length)
    {
        byte[] bytes = SaveTwoEntries();
        File.WriteAllBytes(FilePath, bytes[..(length >= 0 ? length : bytes.Length + length)]);

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Corrupt, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.Empty(result.Entries);
    }

    [Theory]
    [InlineData(0, "magic")]
    [InlineData(8, "version")]
    [InlineData(12, "")]
    [InlineData(24, "")]
    [InlineData(26, "")]
    [InlineData(32, "")]
    [InlineData(-1, "Checksum")]
    public void Load_DamagedByte_ReturnsCorrupt(int offset, string errorMentions)
    {
        byte[] bytes = SaveTwoEntries();
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x5A;
        File.WriteAllBytes(FilePath, bytes);

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Corrupt, result.Status);
        Assert.Contains(errorMentions, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TrailingGarbage_ReturnsCorrupt()
    {
        byte[] bytes = SaveTwoEntries();
        File.WriteAllBytes(FilePath, [.. bytes, .. new byte[40]]);

        Assert.Equal(StickTableLoadStatus.Corrupt, StickTableFile.Load(FilePath, _clock.Time.GetUtcNow()).Status);
    }

    [Fact]
    public void Save_WritesVersion2_WithAnXxHash128OfEverythingBefore()
    {
        byte[] bytes = SaveTwoEntries();

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(XxHash128.Hash(bytes.AsSpan(0, bytes.Length - 16)), bytes[^16..]);
    }

    [Fact]
    public void Load_Version1File_WithItsSha256Trailer_RestoresTheSameEntries()
    {
        byte[] current = SaveTwoEntries();
        var expected = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow()).Entries;
        File.WriteAllBytes(FilePath, AsVersion1(current));

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Loaded, result.Status);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, result.Entries);
    }

    [Fact]
    public void Load_Version1FileOfTheEarlierRelease_RestoresItsEntries()
    {
        // Saved at shutdown by the release before format 2, after clients from 127.0.0.1 to 127.0.0.4 (expiration 1 day).
        string path = Path.Combine(AppContext.BaseDirectory, "StickTable", "Fixtures", "stick-table-format-1.bin");
        byte[] bytes = File.ReadAllBytes(path);
        var savedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)), TimeSpan.Zero);

        var result = StickTableFile.Load(path, savedAt);

        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(StickTableLoadStatus.Loaded, result.Status);
        Assert.Equal(
            [(Key("127.0.0.1"), 0), (Key("127.0.0.2"), 1), (Key("127.0.0.3"), 0), (Key("127.0.0.4"), 1)],
            result.Entries.Select(e => (e.Key, e.GroupId)));
        Assert.All(result.Entries, e => Assert.InRange(e.ExpiresAt, savedAt, savedAt + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Load_Version1File_WithADamagedRecord_ReturnsCorrupt()
    {
        byte[] bytes = AsVersion1(SaveTwoEntries());
        bytes[^40] ^= 0x5A;
        File.WriteAllBytes(FilePath, bytes);

        var result = StickTableFile.Load(FilePath, _clock.Time.GetUtcNow());

        Assert.Equal(StickTableLoadStatus.Corrupt, result.Status);
        Assert.Contains("Checksum", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Version2Header_WithAVersion1Trailer_ReturnsCorrupt()
    {
        byte[] version1 = AsVersion1(SaveTwoEntries());
        BinaryPrimitives.WriteUInt16LittleEndian(version1.AsSpan(8), StickTableFile.FormatVersion);
        File.WriteAllBytes(FilePath, version1);

        Assert.Equal(StickTableLoadStatus.Corrupt, StickTableFile.Load(FilePath, _clock.Time.GetUtcNow()).Status);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void Parse_RandomBytes_ReturnsCorruptWithoutThrowing(int seed, byte version)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 0, 1, 24, 40, 56, 100, 4096 })
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            ((byte[])[.. "TCPFSTAB"u8, version, 0]).AsSpan(0, Math.Min(10, length)).CopyTo(bytes);

            Assert.Equal(StickTableLoadStatus.Corrupt, StickTableFile.Parse(bytes, _clock.Time.GetUtcNow()).Status);
        }
    }

    /// <summary>The same table as an earlier release wrote it: version 1, with a SHA-256 trailer.</summary>
    private static byte[] AsVersion1(byte[] current)
    {
        byte[] content = current[..^16];
        BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan(8), 1);
        return [.. content, .. SHA256.HashData(content)];
    }

    private byte[] SaveTwoEntries()
    {
        StickTableFile.Save(
            FilePath,
            [
                new StickEntrySnapshot(Key("10.0.0.1"), 1, 2, null),
                new StickEntrySnapshot(Key("10.0.0.2", "abc"), 2, 0, _clock.Time.GetUtcNow() + TimeSpan.FromMinutes(5)),
            ],
            Expiration,
            _clock.Time.GetUtcNow());
        return File.ReadAllBytes(FilePath);
    }
}
