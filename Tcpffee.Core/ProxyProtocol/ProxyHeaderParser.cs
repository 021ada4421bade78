using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Tcpffee.ProxyProtocol;

/// <summary>
/// Reads a PROXY protocol header (v1 or v2) from the start of a connection's bytes, which may arrive split over several
/// reads. Sizes are bounded: a v1 line is at most 107 bytes, a v2 header at most <see cref="MaxV2Length"/>.
/// </summary>
internal static class ProxyHeaderParser
{
    public const int MaxV1Length = 107;

    /// <summary>The largest v2 header accepted, TLVs included; the specification allows 64 KiB, nobody sends that much.</summary>
    public const int MaxV2Length = 4096;

    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses a header from the start of <paramref name="buffer"/>; <paramref name="length"/> is its size when complete.</summary>
    public static ProxyHeaderStatus TryParse(ReadOnlySequence<byte> buffer, out ProxyHeader header, out int length)
    {
        header = ProxyHeader.Unknown;
        length = 0;
        Span<byte> start = stackalloc byte[16];
        var available = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, available).CopyTo(start);
        start = start[..available];

        if (StartsLike(start, V2Signature))
        {
            return available < 16 ? ProxyHeaderStatus.Incomplete : ParseV2(buffer, start, out header, out length);
        }

        if (StartsLike(start, V1Prefix))
        {
            return available < V1Prefix.Length ? ProxyHeaderStatus.Incomplete : ParseV1(buffer, out header, out length);
        }

        return ProxyHeaderStatus.Invalid;
    }

    /// <summary>True when what arrived so far agrees with <paramref name="expected"/> (a shorter prefix agrees too).</summary>
    private static bool StartsLike(ReadOnlySpan<byte> received, ReadOnlySpan<byte> expected)
    {
        var n = Math.Min(received.Length, expected.Length);
        return n > 0 && received[..n].SequenceEqual(expected[..n]);
    }

    private static ProxyHeaderStatus ParseV1(ReadOnlySequence<byte> buffer, out ProxyHeader header, out int length)
    {
        header = ProxyHeader.Unknown;
        length = 0;
        var window = buffer.Slice(0, Math.Min(buffer.Length, MaxV1Length));
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return window.Length >= MaxV1Length ? ProxyHeaderStatus.Invalid : ProxyHeaderStatus.Incomplete;
        }

        length = (int)reader.Consumed;
        var parts = Encoding.ASCII.GetString(line).Split(' ');
        if (parts.Length >= 2 && parts[0] == "PROXY" && parts[1] == "UNKNOWN")
        {
            return ProxyHeaderStatus.Complete;
        }

        if (parts.Length != 6 || parts[0] != "PROXY" || parts[1] is not ("TCP4" or "TCP6")
            || !TryAddress(parts[2], parts[1], out var source) || !TryAddress(parts[3], parts[1], out var destination)
            || !TryPort(parts[4], out var sourcePort) || !TryPort(parts[5], out var destinationPort)
            || (source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) != (parts[1] == "TCP4")
            || source.AddressFamily != destination.AddressFamily)
        {
            length = 0;
            return ProxyHeaderStatus.Invalid;
        }

        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyHeaderStatus.Complete;
    }

    private static ProxyHeaderStatus ParseV2(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> start, out ProxyHeader header, out int length)
    {
        header = ProxyHeader.Unknown;
        length = 0;
        var versionCommand = start[12];
        var family = start[13];
        var payload = BinaryPrimitives.ReadUInt16BigEndian(start[14..]);

        // Version 2; command LOCAL (0x0) or PROXY (0x1); family UNSPEC, INET, INET6 or UNIX (0x0-0x3); transport UNSPEC,
        // STREAM or DGRAM (0x0-0x2). The specification says other values must be rejected as invalid, whatever the command,
        // and they are refused from the 16 fixed bytes alone, as an oversized length is.
        if ((versionCommand >> 4) != 2 || (versionCommand & 0x0F) > 1 || (family >> 4) > 3 || (family & 0x0F) > 2
            || 16 + payload > MaxV2Length)
        {
            return ProxyHeaderStatus.Invalid;
        }

        if (buffer.Length < 16 + payload)
        {
            return ProxyHeaderStatus.Incomplete;
        }

        length = 16 + payload;
        var isLocal = (versionCommand & 0x0F) == 0;
        var addressLength = (family >> 4) switch { 1 => 4, 2 => 16, _ => 0 };
        var transport = family & 0x0F;
        if (isLocal || addressLength == 0 || transport != 1)
        {
            // LOCAL (a health check of the sender, say), or a defined family and transport other than TCP over IPv4 or
            // IPv6 (UNSPEC, UNIX, DGRAM): the header is consumed and skipped, with the connection's own addresses kept, as
            // the specification's fallback to UNSPEC and HAProxy do. TLVs after the addresses are skipped too.
            return ProxyHeaderStatus.Complete;
        }

        if (payload < (2 * addressLength) + 4)
        {
            length = 0;
            return ProxyHeaderStatus.Invalid;
        }

        Span<byte> addresses = stackalloc byte[(2 * addressLength) + 4];
        buffer.Slice(16, addresses.Length).CopyTo(addresses);
        var source = new IPAddress(addresses[..addressLength]);
        var destination = new IPAddress(addresses.Slice(addressLength, addressLength));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * addressLength) + 2)..]);
        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>
    /// The specification's address forms only: four decimal numbers without leading zeros for TCP4, and an IPv6
    /// address without a scope for TCP6. IPAddress.TryParse also takes inet_aton forms ("010.0.0.1" is 8.0.0.1),
    /// which would key a client by an address it never sent.
    /// </summary>
    private static bool TryAddress(string text, string family, out IPAddress address)
    {
        address = IPAddress.None;
        if (family == "TCP4")
        {
            var octets = text.Split('.');
            if (octets.Length != 4 || octets.Any(o => o.Length is 0 or > 3 || !o.All(char.IsAsciiDigit) || (o.Length > 1 && o[0] == '0') || int.Parse(o, CultureInfo.InvariantCulture) > 255))
            {
                return false;
            }
        }
        else if (!text.Contains(':', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        return IPAddress.TryParse(text, out address!);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535
        && (text.Length == 1 || text[0] != '0');
}
