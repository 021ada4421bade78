using System.Buffers;
using System.Net;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>What tcpffee sends to backends: exact bytes per the specification, and what its own parser reads back.</summary>
public sealed class ProxyHeaderWriterTests
{
    private const string Sig = "0D0A0D0A000D0A515549540A";

    public static TheoryData<int, string, string, string, string> RoundTrips => new()
    {
        // version, source, destination, expected source, expected destination
        { 1, "192.0.2.1:56324", "198.51.100.2:443", "192.0.2.1:56324", "198.51.100.2:443" },
        { 2, "192.0.2.1:56324", "198.51.100.2:443", "192.0.2.1:56324", "198.51.100.2:443" },
        { 1, "0.0.0.0:0", "255.255.255.255:65535", "0.0.0.0:0", "255.255.255.255:65535" },
        { 2, "0.0.0.0:0", "255.255.255.255:65535", "0.0.0.0:0", "255.255.255.255:65535" },
        { 1, "[2001:db8::1]:56324", "[2001:db8::2]:443", "[2001:db8::1]:56324", "[2001:db8::2]:443" },
        { 2, "[2001:db8::1]:56324", "[2001:db8::2]:443", "[2001:db8::1]:56324", "[2001:db8::2]:443" },
        { 1, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[::1]:1", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[::1]:1" },
        { 2, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[::1]:1", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[::1]:1" },
        // IPv4-mapped IPv6 (a dual-stack listener's view of an IPv4 client) is written as TCP4.
        { 1, "[::ffff:192.0.2.1]:56324", "[::ffff:198.51.100.2]:443", "192.0.2.1:56324", "198.51.100.2:443" },
        { 2, "[::ffff:192.0.2.1]:56324", "[::ffff:198.51.100.2]:443", "192.0.2.1:56324", "198.51.100.2:443" },
        { 1, "[::ffff:192.0.2.1]:56324", "198.51.100.2:443", "192.0.2.1:56324", "198.51.100.2:443" },
        { 2, "192.0.2.1:56324", "[::ffff:198.51.100.2]:443", "192.0.2.1:56324", "198.51.100.2:443" },
    };

    [Fact]
    public void WriteV1_IPv4_ExactLine()
    {
        var bytes = ProxyHeaderWriter.WriteV1(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"));

        Assert.Equal("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void WriteV1_IPv6_ExactLineWithCompressedAddresses()
    {
        var bytes = ProxyHeaderWriter.WriteV1(IPEndPoint.Parse("[2001:db8:0:0::1]:56324"), IPEndPoint.Parse("[2001:0db8::2]:443"));

        Assert.Equal("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n", System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void WriteV2_IPv4_ExactBytes()
    {
        var bytes = ProxyHeaderWriter.WriteV2(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"));

        Assert.Equal(HeaderBytes.Hex(Sig + " 21 11 000C C0A80001 C0A8000B DC04 01BB"), bytes);
    }

    [Fact]
    public void WriteV2_IPv6_ExactBytes()
    {
        var bytes = ProxyHeaderWriter.WriteV2(IPEndPoint.Parse("[2001:db8::1]:56324"), IPEndPoint.Parse("[2001:db8::2]:443"));

        Assert.Equal(
            HeaderBytes.Hex(Sig + " 21 21 0024 20010DB8000000000000000000000001 20010DB8000000000000000000000002 DC04 01BB"),
            bytes);
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Write_ThenTryParse_SameEndpoints(int version, string source, string destination, string expectedSource, string expectedDestination)
    {
        var bytes = ProxyHeaderWriter.Write((ProxyProtocolVersion)version, IPEndPoint.Parse(source), IPEndPoint.Parse(destination));
        var payload = HeaderBytes.Ascii("after");

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Concat(bytes, payload)), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(bytes.Length, length);
        Assert.Equal(IPEndPoint.Parse(expectedSource), header.Source);
        Assert.Equal(IPEndPoint.Parse(expectedDestination), header.Destination);
    }

    [Theory]
    [InlineData(1, "[::ffff:192.0.2.1]:56324", "[::ffff:198.51.100.2]:443", "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n")]
    [InlineData(1, "[::ffff:192.0.2.1]:56324", "198.51.100.2:443", "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n")]
    public void WriteV1_IPv4MappedAddresses_WrittenAsTcp4(int version, string source, string destination, string expected)
    {
        var bytes = ProxyHeaderWriter.Write((ProxyProtocolVersion)version, IPEndPoint.Parse(source), IPEndPoint.Parse(destination));

        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void WriteV2_IPv4MappedAddresses_WrittenAsTcp4()
    {
        var bytes = ProxyHeaderWriter.WriteV2(IPEndPoint.Parse("[::ffff:192.168.0.1]:56324"), IPEndPoint.Parse("[::ffff:192.168.0.11]:443"));

        Assert.Equal(HeaderBytes.Hex(Sig + " 21 11 000C C0A80001 C0A8000B DC04 01BB"), bytes);
    }

    [Theory]
    [InlineData("192.0.2.1:1", "[2001:db8::2]:2")]
    [InlineData("[2001:db8::1]:1", "198.51.100.2:2")]
    [InlineData("[::ffff:192.0.2.1]:1", "[2001:db8::2]:2")]
    [InlineData(null, "198.51.100.2:2")]
    [InlineData("192.0.2.1:1", null)]
    [InlineData(null, null)]
    public void Write_MixedFamiliesOrUnknown_V1UnknownAndV2Local(string? source, string? destination)
    {
        var src = source is null ? null : IPEndPoint.Parse(source);
        var dst = destination is null ? null : IPEndPoint.Parse(destination);

        var v1 = ProxyHeaderWriter.Write(ProxyProtocolVersion.V1, src, dst);
        var v2 = ProxyHeaderWriter.Write(ProxyProtocolVersion.V2, src, dst);

        Assert.Equal("PROXY UNKNOWN\r\n", System.Text.Encoding.ASCII.GetString(v1));
        Assert.Equal(HeaderBytes.Hex(Sig + " 20 00 0000"), v2);
        foreach (var bytes in new[] { v1, v2 })
        {
            Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length));
            Assert.Equal(bytes.Length, length);
            Assert.Null(header.Source);
        }
    }

    [Fact]
    public void WriteV1_LinkLocalAddressesWithScope_WrittenWithoutTheScope()
    {
        var source = new IPEndPoint(IPAddress.Parse("fe80::1%2"), 56324);
        var destination = new IPEndPoint(IPAddress.Parse("fe80::2%2"), 443);

        var bytes = ProxyHeaderWriter.WriteV1(source, destination);

        Assert.Equal("PROXY TCP6 fe80::1 fe80::2 56324 443\r\n", System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void WriteV2_LinkLocalAddressesWithScope_AddressBytesOnly()
    {
        var bytes = ProxyHeaderWriter.WriteV2(new IPEndPoint(IPAddress.Parse("fe80::1%2"), 56324), new IPEndPoint(IPAddress.Parse("fe80::2%2"), 443));

        Assert.Equal(HeaderBytes.Hex(Sig + " 21 21 0024 FE800000000000000000000000000001 FE800000000000000000000000000002 DC04 01BB"), bytes);
    }

    [Fact]
    public void Write_Version_PicksTheFormat()
    {
        var source = IPEndPoint.Parse("192.0.2.1:1");
        var destination = IPEndPoint.Parse("198.51.100.2:2");

        Assert.Equal(ProxyHeaderWriter.WriteV1(source, destination), ProxyHeaderWriter.Write(ProxyProtocolVersion.V1, source, destination));
        Assert.Equal(ProxyHeaderWriter.WriteV2(source, destination), ProxyHeaderWriter.Write(ProxyProtocolVersion.V2, source, destination));
    }
}
