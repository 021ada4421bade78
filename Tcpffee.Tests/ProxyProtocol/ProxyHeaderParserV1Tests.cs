using System.Buffers;
using System.Net;
using System.Text;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>The text header (v1) of the HAProxy PROXY protocol specification: one line of at most 107 bytes, CRLF included.</summary>
public sealed class ProxyHeaderParserV1Tests
{
    /// <summary>The specification's worst case: exactly 107 bytes with CRLF.</summary>
    private const string LongestUnknown =
        "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

    private const string LongestTcp6 =
        "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

    private const string Payload = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";

    public static TheoryData<string, string> InvalidLines => new()
    {
        // The line must end within 107 bytes.
        { "no CRLF within 107 bytes", "PROXY UNKNOWN " + new string('x', 93) + "\r\n" },
        { "107 bytes without CRLF", "PROXY " + new string('A', 101) },
        { "200 bytes without CRLF", "PROXY TCP4 " + new string('1', 189) },
        { "a 108-byte line", "PROXY UNKNOWN " + new string('x', 92) + "\r\n" },
        { "bare LF is not the end of the line", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n" + new string('x', 100) },
        // Addresses.
        { "IPv4 octet above 255", "PROXY TCP4 192.168.0.256 192.168.0.11 56324 443\r\n" },
        { "a name for an address", "PROXY TCP4 localhost 192.168.0.11 56324 443\r\n" },
        { "bad destination address", "PROXY TCP4 192.168.0.1 192.168.0.x 56324 443\r\n" },
        { "bad IPv6 address", "PROXY TCP6 2001:db8:::1 2001:db8::2 56324 443\r\n" },
        // Ports.
        { "source port 65536", "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n" },
        { "destination port 99999", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 99999\r\n" },
        { "negative port", "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n" },
        { "port with a plus sign", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 +443\r\n" },
        { "port with a letter", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443a\r\n" },
        { "port with leading zero", "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n" },
        { "destination port with leading zero", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 0443\r\n" },
        { "port 00", "PROXY TCP4 192.168.0.1 192.168.0.11 00 443\r\n" },
        // Families.
        { "TCP4 with IPv6 addresses", "PROXY TCP4 2001:db8::1 2001:db8::2 56324 443\r\n" },
        { "TCP6 with IPv4 addresses", "PROXY TCP6 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "TCP4 with an IPv6 destination", "PROXY TCP4 192.168.0.1 2001:db8::2 56324 443\r\n" },
        { "TCP6 with an IPv4 destination", "PROXY TCP6 2001:db8::1 192.168.0.11 56324 443\r\n" },
        { "unknown protocol UDP4", "PROXY UDP4 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "unknown protocol TCP5", "PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n" },
        // Case and spacing are exact.
        { "lowercase proxy", "proxy TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "mixed-case Proxy", "Proxy TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "lowercase tcp4", "PROXY tcp4 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "lowercase unknown", "PROXY unknown\r\n" },
        { "two spaces", "PROXY TCP4  192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "trailing space", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 \r\n" },
        { "tab instead of space", "PROXY\tTCP4 192.168.0.1 192.168.0.11 56324 443\r\n" },
        { "missing destination port", "PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n" },
        { "extra field", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 0\r\n" },
        { "no protocol", "PROXY \r\n" },
        { "PROXY without space", "PROXY\r\n" },
        // Not a header at all.
        { "HTTP request", Payload },
        { "SSH banner", "SSH-2.0-OpenSSH_9.6\r\n" },
        { "one wrong first byte", "X" },
    };

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1:56324", "192.168.0.11:443")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n", "[2001:db8::1]:56324", "[2001:db8::2]:443")]
    [InlineData("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255:65535", "255.255.255.255:65535")]
    [InlineData("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n", "0.0.0.0:0", "0.0.0.0:0")]
    [InlineData(LongestTcp6, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]
    [InlineData("PROXY TCP6 ::ffff:192.168.0.1 ::1 1 2\r\n", "[::ffff:192.168.0.1]:1", "[::1]:2")]
    public void TryParse_ValidLine_CompleteWithAddressesAndLineLength(string line, string source, string destination)
    {
        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(line + Payload)), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(line.Length, length);
        Assert.Equal(IPEndPoint.Parse(source), header.Source);
        Assert.Equal(IPEndPoint.Parse(destination), header.Destination);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN 192.168.0.1 192.168.0.11 56324 443\r\n")]
    [InlineData("PROXY UNKNOWN anything at all, which the receiver ignores\r\n")]
    [InlineData(LongestUnknown)]
    public void TryParse_Unknown_CompleteWithoutAddresses(string line)
    {
        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(line + Payload)), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(line.Length, length);
        Assert.Null(header.Source);
        Assert.Null(header.Destination);
    }

    [Fact]
    public void TryParse_LongestLineOfTheSpecification_Is107BytesAndComplete()
    {
        Assert.Equal(ProxyHeaderParser.MaxV1Length, LongestUnknown.Length);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(LongestUnknown)), out _, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(107, length);
    }

    [Theory]
    [MemberData(nameof(InvalidLines))]
    public void TryParse_InvalidLine_Invalid(string mistake, string line)
    {
        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(line)), out var header, out _);

        Assert.True(status == ProxyHeaderStatus.Invalid, $"{mistake}: expected Invalid, got {status} for '{HeaderBytes.Show(HeaderBytes.Ascii(line))}'");
        Assert.Null(header.Source);
    }

    [Theory]
    [MemberData(nameof(InvalidLines))]
    public void TryParse_InvalidLineFollowedByPayload_StillInvalid(string mistake, string line)
    {
        // More bytes after a bad line must not turn it into something else.
        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(line + Payload)), out _, out _);

        Assert.True(status == ProxyHeaderStatus.Invalid, $"{mistake}: expected Invalid, got {status}");
    }

    [Fact]
    public void TryParse_NonCanonicalIPv4Address_Invalid()
    {
        string[] lines =
        [
            "PROXY TCP4 192.168.000.001 192.168.0.11 56324 443\r\n",
            "PROXY TCP4 010.0.0.1 192.168.0.11 56324 443\r\n",
            "PROXY TCP4 0x7f.0.0.1 192.168.0.11 56324 443\r\n",
            "PROXY TCP4 3232235521 192.168.0.11 56324 443\r\n",
            "PROXY TCP4 192.168.1 192.168.0.11 56324 443\r\n",
            "PROXY TCP4 192.168.0.1 192.168.0.011 56324 443\r\n",
        ];

        var accepted = new List<string>();
        foreach (var line in lines)
        {
            if (ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Ascii(line)), out var header, out _) != ProxyHeaderStatus.Invalid)
            {
                accepted.Add($"{line.TrimEnd()} -> {header.Source} {header.Destination}");
            }
        }

        Assert.True(accepted.Count == 0, "accepted:" + Environment.NewLine + string.Join(Environment.NewLine, accepted));
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n")]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData(LongestUnknown)]
    [InlineData(LongestTcp6)]
    public void TryParse_EveryPrefixOfAValidLine_Incomplete(string line)
    {
        var bytes = HeaderBytes.Ascii(line);
        var wrong = new List<string>();
        for (var n = 1; n < bytes.Length; n++)
        {
            var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, n), out _, out _);
            if (status != ProxyHeaderStatus.Incomplete)
            {
                wrong.Add($"{n} bytes: {status}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n")]
    [InlineData(LongestTcp6)]
    [InlineData(LongestUnknown)]
    public void TryParse_LineSplitAcrossSegments_SameAsContiguous(string line)
    {
        var bytes = HeaderBytes.Ascii(line + Payload);
        var expected = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var expectedHeader, out var expectedLength);
        ReadOnlySequence<byte>[] splits =
        [
            Sequences.EveryByte(bytes),
            Sequences.Split(bytes, 3, 6, 11, line.Length - 1),
            Sequences.Split(bytes, line.Length - 2, line.Length),
            Sequences.Split(bytes, line.Length - 1),
        ];

        foreach (var sequence in splits)
        {
            Assert.False(sequence.IsSingleSegment);
            var status = ProxyHeaderParser.TryParse(sequence, out var header, out var length);
            Assert.Equal(ProxyHeaderStatus.Complete, expected);
            Assert.Equal(expected, status);
            Assert.Equal(expectedLength, length);
            Assert.Equal(expectedHeader, header);
        }
    }

    [Fact]
    public void TryParse_PrefixSplitAcrossSegments_Incomplete()
    {
        var bytes = HeaderBytes.Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r");

        var status = ProxyHeaderParser.TryParse(Sequences.EveryByte(bytes), out _, out _);

        Assert.Equal(ProxyHeaderStatus.Incomplete, status);
    }

    [Fact]
    public void TryParse_NoCrlfWithin107BytesAcrossSegments_Invalid()
    {
        var bytes = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 120) + "\r\n");

        var status = ProxyHeaderParser.TryParse(Sequences.Split(bytes, 10, 50, 100, 106, 107), out _, out _);

        Assert.Equal(ProxyHeaderStatus.Invalid, status);
    }
}
