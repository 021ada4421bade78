using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>
/// PROXY protocol headers built by hand from the HAProxy specification, independently of the product's writer, so that
/// the tests compare the product against the specification rather than against itself.
/// </summary>
internal static class HeaderBytes
{
    /// <summary>The 12-byte v2 signature: <c>\r\n\r\n\0\r\nQUIT\n</c>.</summary>
    public static byte[] Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Bytes from hex digits; spaces are ignored, for readability.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>The v1 line <c>PROXY TCP4|TCP6 src dst sport dport\r\n</c>.</summary>
    public static string V1Line(IPEndPoint source, IPEndPoint destination)
    {
        var family = source.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return string.Create(
            CultureInfo.InvariantCulture, $"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n");
    }

    public static byte[] V1(IPEndPoint source, IPEndPoint destination) => Ascii(V1Line(source, destination));

    /// <summary>A v2 header: signature, version/command byte, family byte, the big-endian length of <paramref name="body"/>, then the body.</summary>
    public static byte[] V2(byte versionCommand, byte family, byte[] body) =>
        Concat(Signature, [versionCommand, family, (byte)(body.Length >> 8), (byte)body.Length], body);

    /// <summary>A v2 PROXY command over TCP (STREAM) with the addresses and ports, then <paramref name="tlvs"/>.</summary>
    public static byte[] V2(IPEndPoint source, IPEndPoint destination, byte[]? tlvs = null)
    {
        var ipv4 = source.AddressFamily == AddressFamily.InterNetwork;
        var size = ipv4 ? 4 : 16;
        var body = new byte[(2 * size) + 4 + (tlvs?.Length ?? 0)];
        source.Address.GetAddressBytes().CopyTo(body, 0);
        destination.Address.GetAddressBytes().CopyTo(body, size);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2 * size), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan((2 * size) + 2), (ushort)destination.Port);
        tlvs?.CopyTo(body, (2 * size) + 4);
        return V2(0x21, ipv4 ? (byte)0x11 : (byte)0x21, body);
    }

    /// <summary>One TLV: type, big-endian length, value.</summary>
    public static byte[] Tlv(byte type, byte[] value) => Concat([type, (byte)(value.Length >> 8), (byte)value.Length], value);

    /// <summary>A header of <paramref name="version"/> (1 or 2) for the two endpoints.</summary>
    public static byte[] For(int version, IPEndPoint source, IPEndPoint destination) =>
        version == 1 ? V1(source, destination) : V2(source, destination);

    /// <summary>Renders bytes for a failure message: printable ASCII as is, the rest as <c>\xNN</c>.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return text.ToString();
    }
}
