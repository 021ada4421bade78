using System.Net;
using System.Net.Sockets;

namespace Tcpffee.StickTable;

/// <summary>Immutable, hashable identity of a client: its IP address plus an optional slice of its first message.</summary>
/// <remarks>
/// A struct wrapping one byte array and a precomputed hash, so a stored key costs 16 bytes inline plus the array.
/// Layout of the bytes (also the serialized form): one tag byte holding the address length (4 or 16), the address
/// bytes, then the slice bytes. The tag keeps an IPv4 key with a 12-byte slice distinct from an IPv6 key without one.
/// <c>default(StickKey)</c> is not a valid key; tables reject it.
/// </remarks>
internal readonly partial struct StickKey : IEquatable<StickKey>, IComparable<StickKey>
{
    /// <summary>The longest slice of the first message a key may carry.</summary>
    public const int MaxSliceLength = 1024;

    /// <summary>The longest serialized form of a key: tag, IPv6 address and a full slice.</summary>
    public const int MaxByteLength = 1 + IPv6Length + MaxSliceLength;

    private const int IPv4Length = 4;
    private const int IPv6Length = 16;

    private static ReadOnlySpan<byte> IPv4MappedPrefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    private readonly byte[]? _bytes;
    private readonly int _hash;

    private StickKey(byte[] bytes)
    {
        _bytes = bytes;
        _hash = ComputeHash(bytes);
    }

    /// <summary>Gets whether this is <c>default(StickKey)</c> rather than a real key.</summary>
    public bool IsDefault => _bytes is null;

    /// <summary>Gets the client address (IPv4-mapped IPv6 addresses come back as IPv4).</summary>
    public IPAddress Address => new(AddressSpan);

    /// <summary>Gets the slice of the first message, empty when the key has none.</summary>
    public ReadOnlyMemory<byte> Slice => _bytes is null ? default : _bytes.AsMemory(1 + _bytes[0]);

    /// <summary>Gets the serialized form of the key, readable back with <see cref="FromBytes"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    private ReadOnlySpan<byte> AddressSpan => _bytes is null
        ? throw new InvalidOperationException("default(StickKey) has no address.")
        : _bytes.AsSpan(1, _bytes[0]);

    /// <summary>Creates a key from a client address and an optional slice of its first message.</summary>
    public static StickKey FromAddress(IPAddress address, ReadOnlySpan<byte> slice = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (slice.Length > MaxSliceLength)
        {
            throw new ArgumentException($"A slice may be at most {MaxSliceLength} bytes.", nameof(slice));
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        int addressLength = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4Length,
            AddressFamily.InterNetworkV6 => IPv6Length,
            _ => throw new ArgumentException("Only IPv4 and IPv6 addresses can be keys.", nameof(address)),
        };
        var bytes = new byte[1 + addressLength + slice.Length];
        bytes[0] = (byte)addressLength;
        address.TryWriteBytes(bytes.AsSpan(1, addressLength), out _);
        slice.CopyTo(bytes.AsSpan(1 + addressLength));
        return new StickKey(bytes);
    }

    /// <summary>Reads a key from its serialized form (<see cref="Bytes"/>).</summary>
    public static StickKey FromBytes(ReadOnlySpan<byte> bytes) =>
        TryFromBytes(bytes, out var key) ? key : throw new FormatException("Not a serialized stick key.");

    /// <summary>Reads a key from its serialized form, returning false when the bytes are not a valid key.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out StickKey key)
    {
        key = IsSerializedKey(bytes) ? new StickKey(bytes.ToArray()) : default;
        return !key.IsDefault;
    }

    /// <summary>Whether <paramref name="bytes"/> is a key's serialized form; checks without allocating.</summary>
    public static bool IsSerializedKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || (bytes[0] != IPv4Length && bytes[0] != IPv6Length))
        {
            return false;
        }

        int sliceLength = bytes.Length - 1 - bytes[0];
        if (sliceLength < 0 || sliceLength > MaxSliceLength)
        {
            return false;
        }

        // A 16-byte address holding an IPv4-mapped address would never come out of FromAddress: ::ffff:a.b.c.d.
        return bytes[0] != IPv6Length || !bytes.Slice(1, IPv6Length).StartsWith(IPv4MappedPrefix);
    }

    public static bool operator ==(StickKey left, StickKey right) => left.Equals(right);

    public static bool operator !=(StickKey left, StickKey right) => !left.Equals(right);

    public bool Equals(StickKey other) =>
        _hash == other._hash && Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is StickKey other && Equals(other);

    /// <summary>Orders keys by their serialized bytes: IPv4 before IPv6, addresses in numeric order, then by slice.</summary>
    public int CompareTo(StickKey other) => Bytes.SequenceCompareTo(other.Bytes);

    public override int GetHashCode() => _hash;

    // HashCode is seeded per process, so clients choosing slices cannot aim for collisions.
    private static int ComputeHash(ReadOnlySpan<byte> bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
