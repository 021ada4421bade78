using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.ProxyProtocol;

/// <summary>Writes PROXY protocol headers as the HAProxy specification defines them.</summary>
internal static class ProxyHeaderWriter
{
    public static byte[] Write(ProxyProtocolVersion version, IPEndPoint? source, IPEndPoint? destination) =>
        version == ProxyProtocolVersion.V1 ? WriteV1(source, destination) : WriteV2(source, destination);

    /// <summary><c>PROXY TCP4 src dst sport dport\r\n</c>, or <c>PROXY UNKNOWN\r\n</c> when the addresses are unknown or of mixed families.</summary>
    public static byte[] WriteV1(IPEndPoint? source, IPEndPoint? destination)
    {
        var (src, dst) = Normalize(source, destination);
        if (src is null || dst is null)
        {
            return "PROXY UNKNOWN\r\n"u8.ToArray();
        }

        var family = src.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"PROXY {family} {WithoutScope(src.Address)} {WithoutScope(dst.Address)} {src.Port} {dst.Port}\r\n"));
    }

    /// <summary>Receivers such as HAProxy and nginx reject "fe80::1%2": the scope means nothing on the backend's host.</summary>
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;

    /// <summary>The binary header with the PROXY command, or the LOCAL command when the addresses are unknown.</summary>
    public static byte[] WriteV2(IPEndPoint? source, IPEndPoint? destination)
    {
        var (src, dst) = Normalize(source, destination);
        if (src is null || dst is null)
        {
            var local = new byte[16];
            ProxyHeaderParser.V2Signature.CopyTo(local);
            local[12] = 0x20;
            return local;
        }

        var ipv4 = src.AddressFamily == AddressFamily.InterNetwork;
        var addressLength = ipv4 ? 12 : 36;
        var header = new byte[16 + addressLength];
        ProxyHeaderParser.V2Signature.CopyTo(header);
        header[12] = 0x21;
        header[13] = ipv4 ? (byte)0x11 : (byte)0x21;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)addressLength);
        var size = ipv4 ? 4 : 16;
        src.Address.TryWriteBytes(header.AsSpan(16), out _);
        dst.Address.TryWriteBytes(header.AsSpan(16 + size), out _);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + (2 * size)), (ushort)src.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + (2 * size)), (ushort)dst.Port);
        return header;
    }

    /// <summary>Maps IPv4-mapped IPv6 addresses to IPv4, and gives up (nulls) on mixed families, which the protocol cannot express.</summary>
    private static (IPEndPoint? Source, IPEndPoint? Destination) Normalize(IPEndPoint? source, IPEndPoint? destination)
    {
        static IPEndPoint? Plain(IPEndPoint? e) =>
            e is { Address.IsIPv4MappedToIPv6: true } ? new IPEndPoint(e.Address.MapToIPv4(), e.Port) : e;

        var (src, dst) = (Plain(source), Plain(destination));
        if (src is null || dst is null || src.AddressFamily != dst.AddressFamily)
        {
            return (null, null);
        }

        return (src, dst);
    }
}
