using System.Buffers;
using System.Net;
using Tcpffee.ProxyProtocol;
using Tcpffee.Tests.ProxyProtocol.Support;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>
/// The binary header (v2): a 12-byte signature, version and command, family and transport, a big-endian length, then the
/// addresses and any TLVs. Exact bytes are written out in hex from the specification.
/// </summary>
public sealed class ProxyHeaderParserV2Tests
{
    private const string Sig = "0D0A0D0A000D0A515549540A";

    /// <summary>PROXY, TCP over IPv4: 192.168.0.1:56324 → 192.168.0.11:443.</summary>
    private const string Tcp4 = Sig + " 21 11 000C C0A80001 C0A8000B DC04 01BB";

    /// <summary>PROXY, TCP over IPv6: [2001:db8::1]:56324 → [2001:db8::2]:443.</summary>
    private const string Tcp6 = Sig + " 21 21 0024 20010DB8000000000000000000000001 20010DB8000000000000000000000002 DC04 01BB";

    /// <summary>
    /// <see cref="Tcp4"/> with TLVs after the addresses: ALPN "h2", AUTHORITY "example.com", NOOP of 3 bytes; 12 + 25 = 37 bytes.
    /// </summary>
    private const string Tcp4WithTlvs = Sig + " 21 11 0025 C0A80001 C0A8000B DC04 01BB" + " 01 0002 6832" + " 02 000B 6578616D706C652E636F6D" + " 04 0003 000000";

    /// <summary>LOCAL, no addresses.</summary>
    private const string Local = Sig + " 20 00 0000";

    private static readonly byte[] Payload = HeaderBytes.Ascii("GET / HTTP/1.1\r\n\r\n");

    public static TheoryData<string, string> InvalidHeaders => new()
    {
        { "version 1 in the version nibble", Sig + " 11 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "version 3", Sig + " 31 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "version 0", Sig + " 01 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "version 15", Sig + " F1 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "command 2", Sig + " 22 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "command 15", Sig + " 2F 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "IPv4 addresses cut short", Sig + " 21 11 0008 C0A80001 C0A8000B" },
        { "IPv6 addresses cut short", Sig + " 21 21 0018 20010DB8000000000000000000000001 20010DB800000000" },
        { "TCP over IPv4 with no body", Sig + " 21 11 0000" },
        { "last signature byte wrong", "0D0A0D0A000D0A515549540B 21 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "middle signature byte wrong", "0D0A0D0A010D0A515549540A 21 11 000C C0A80001 C0A8000B DC04 01BB" },
        { "oversized: 16 + 4081 bytes", Sig + " 21 11 0FF1" },
        { "oversized: the largest length field", Sig + " 21 11 FFFF" },
    };

    /// <summary>Every address family nibble the specification leaves undefined (0x4 to 0xF), with each command.</summary>
    public static TheoryData<byte, byte> UndefinedFamilies => Rows(Enumerable.Range(0x4, 12).Select(family => (byte)((family << 4) | 0x1)));

    /// <summary>Every transport nibble the specification leaves undefined (0x3 to 0xF), with each command.</summary>
    public static TheoryData<byte, byte> UndefinedTransports => Rows(Enumerable.Range(0x3, 13).Select(transport => (byte)(0x10 | transport)));

    /// <summary>Every version nibble but 2, with the PROXY command.</summary>
    public static TheoryData<byte> OtherVersions => [.. Enumerable.Range(0, 16).Where(v => v != 2).Select(v => (byte)((v << 4) | 0x1))];

    /// <summary>Every command nibble but LOCAL (0x0) and PROXY (0x1).</summary>
    public static TheoryData<byte> UndefinedCommands => [.. Enumerable.Range(2, 14).Select(c => (byte)(0x20 | c))];

    [Fact]
    public void TryParse_ProxyTcp4_CompleteWithAddressesAnd28Bytes()
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(Tcp4), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(28, length);
        Assert.Equal(IPEndPoint.Parse("192.168.0.1:56324"), header.Source);
        Assert.Equal(IPEndPoint.Parse("192.168.0.11:443"), header.Destination);
    }

    [Fact]
    public void TryParse_ProxyTcp6_CompleteWithAddressesAnd52Bytes()
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(Tcp6), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(52, length);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:56324"), header.Source);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::2]:443"), header.Destination);
    }

    [Fact]
    public void TryParse_TlvsAfterTheAddresses_SkippedAndCoveredByTheLength()
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(Tcp4WithTlvs), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(16 + 37, length);
        Assert.Equal(IPEndPoint.Parse("192.168.0.1:56324"), header.Source);
        Assert.Equal(IPEndPoint.Parse("192.168.0.11:443"), header.Destination);
        Assert.Equal(Payload, bytes[length..]);
    }

    [Theory]
    [InlineData("LOCAL without addresses", Local, 16)]
    [InlineData("LOCAL with IPv4 addresses, which are ignored", Sig + " 20 11 000C C0A80001 C0A8000B DC04 01BB", 28)]
    [InlineData("LOCAL with a TLV only", Sig + " 20 00 0004 04 0001 00", 20)]
    [InlineData("PROXY with the UNSPEC family", Sig + " 21 00 0000", 16)]
    [InlineData("PROXY with the UNSPEC family and a body", Sig + " 21 00 0004 DEADBEEF", 20)]
    [InlineData("PROXY over UDP (DGRAM) IPv4", Sig + " 21 12 000C C0A80001 C0A8000B DC04 01BB", 28)]
    [InlineData("PROXY over UDP (DGRAM) IPv6", Sig + " 21 22 0024 20010DB8000000000000000000000001 20010DB8000000000000000000000002 DC04 01BB", 52)]
    [InlineData("PROXY with IPv4 and the UNSPEC transport", Sig + " 21 10 000C C0A80001 C0A8000B DC04 01BB", 28)]
    [InlineData("PROXY with the UNSPEC family and the STREAM transport", Sig + " 21 01 0000", 16)]
    [InlineData("PROXY over UNIX DGRAM, body cut short", Sig + " 21 32 0004 DEADBEEF", 20)]
    public void TryParse_LocalOrUnsupportedFamily_UnknownWithHeaderConsumed(string what, string hex, int expectedLength)
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(hex), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.True(status == ProxyHeaderStatus.Complete, $"{what}: {status}");
        Assert.Equal(expectedLength, length);
        Assert.Null(header.Source);
        Assert.Null(header.Destination);
    }

    [Fact]
    public void TryParse_UnixFamily_UnknownWith232BytesConsumed()
    {
        // AF_UNIX: two 108-byte paths, 216 bytes.
        var body = new byte[216];
        "/run/a.sock"u8.CopyTo(body);
        "/run/b.sock"u8.CopyTo(body.AsSpan(108));
        var bytes = HeaderBytes.Concat(HeaderBytes.V2(0x21, 0x31, body), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(232, length);
        Assert.Same(ProxyHeader.Unknown, header);
    }

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void TryParse_InvalidHeader_Invalid(string mistake, string hex)
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(hex), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out _);

        Assert.True(status == ProxyHeaderStatus.Invalid, $"{mistake}: expected Invalid, got {status}");
        Assert.Null(header.Source);
    }

    [Theory]
    [MemberData(nameof(UndefinedFamilies))]
    [MemberData(nameof(UndefinedTransports))]
    public void TryParse_UndefinedFamilyOrTransport_Invalid(byte versionCommand, byte family)
    {
        // The specification: other values "must not be emitted in version 2 of this protocol and must be rejected as
        // invalid by receivers", whatever the command. The body is a well-formed IPv4 block, so only the byte differs.
        var bytes = HeaderBytes.Concat(HeaderBytes.V2(versionCommand, family, HeaderBytes.Hex("C0A80001 C0A8000B DC04 01BB")), Payload);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var length);

        Assert.True(status == ProxyHeaderStatus.Invalid, $"command byte 0x{versionCommand:X2}, family byte 0x{family:X2}: {status}");
        Assert.Equal(0, length);
        Assert.Same(ProxyHeader.Unknown, header);
    }

    [Theory]
    [MemberData(nameof(UndefinedFamilies))]
    [MemberData(nameof(UndefinedTransports))]
    public void TryParse_UndefinedFamilyOrTransportWithOnlyTheFixedPart_InvalidWithoutWaiting(byte versionCommand, byte family)
    {
        // The 16 fixed bytes are enough to refuse: there is no point waiting for the body of a header that cannot be valid.
        var bytes = HeaderBytes.Concat(HeaderBytes.Signature, [versionCommand, family, 0x00, 0x0C]);

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _));
    }

    [Theory]
    [MemberData(nameof(OtherVersions))]
    [MemberData(nameof(UndefinedCommands))]
    public void TryParse_OtherVersionOrUndefinedCommand_InvalidFromTheFixedPart(byte versionCommand)
    {
        var whole = HeaderBytes.V2(versionCommand, 0x11, HeaderBytes.Hex("C0A80001 C0A8000B DC04 01BB"));

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Concat(whole, Payload)), out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(whole, 0, 16), out _, out _));
    }

    [Theory]
    [InlineData(0x0FF1)]
    [InlineData(0x1000)]
    [InlineData(0xFFFF)]
    public void TryParse_OversizedLengthWithOnlyTheFixedPart_InvalidWithoutWaiting(int declared)
    {
        // Refused from the 16 fixed bytes alone: waiting for up to 64 KiB would let a client pin memory.
        var bytes = HeaderBytes.Concat(HeaderBytes.Signature, [0x21, 0x11, (byte)(declared >> 8), (byte)declared]);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _);

        Assert.Equal(ProxyHeaderStatus.Invalid, status);
    }

    [Fact]
    public void TryParse_Exactly4096Bytes_Complete()
    {
        // 12 bytes of addresses and a NOOP TLV that fills the header up to the 4096-byte limit.
        var noop = HeaderBytes.Tlv(0x04, new byte[4096 - 16 - 12 - 3]);
        var header = HeaderBytes.V2(IPEndPoint.Parse("192.0.2.1:1000"), IPEndPoint.Parse("198.51.100.1:2000"), noop);
        Assert.Equal(ProxyHeaderParser.MaxV2Length, header.Length);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.Concat(header, Payload)), out var parsed, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(4096, length);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:1000"), parsed.Source);
    }

    [Fact]
    public void TryParse_4097Bytes_Invalid()
    {
        var noop = HeaderBytes.Tlv(0x04, new byte[4096 - 16 - 12 - 3 + 1]);
        var header = HeaderBytes.V2(IPEndPoint.Parse("192.0.2.1:1000"), IPEndPoint.Parse("198.51.100.1:2000"), noop);
        Assert.Equal(ProxyHeaderParser.MaxV2Length + 1, header.Length);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(header), out _, out _);

        Assert.Equal(ProxyHeaderStatus.Invalid, status);
    }

    [Theory]
    [InlineData(Tcp4)]
    [InlineData(Tcp6)]
    [InlineData(Tcp4WithTlvs)]
    [InlineData(Local)]
    [InlineData(Sig + " 21 00 0004 DEADBEEF")]
    public void TryParse_EveryPrefixOfAValidHeader_Incomplete(string hex)
    {
        var bytes = HeaderBytes.Hex(hex);
        var wrong = new List<string>();
        for (var n = 1; n < bytes.Length; n++)
        {
            var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, n), out _, out _);
            if (status != ProxyHeaderStatus.Incomplete)
            {
                wrong.Add($"{n} bytes: {status}");
            }

            // The same prefix in one segment per byte.
            var split = ProxyHeaderParser.TryParse(Sequences.EveryByte(bytes[..n]), out _, out _);
            if (split != ProxyHeaderStatus.Incomplete)
            {
                wrong.Add($"{n} bytes in {n} segments: {split}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void TryParse_TruncatedLargeHeader_IncompleteUntilTheLastByte()
    {
        var header = HeaderBytes.V2(IPEndPoint.Parse("192.0.2.1:1000"), IPEndPoint.Parse("198.51.100.1:2000"), HeaderBytes.Tlv(0x04, new byte[1000]));

        Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(header, 0, header.Length - 1), out _, out _));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(header), out _, out var length));
        Assert.Equal(header.Length, length);
    }

    [Theory]
    [InlineData(Tcp4)]
    [InlineData(Tcp6)]
    [InlineData(Tcp4WithTlvs)]
    [InlineData(Local)]
    public void TryParse_HeaderSplitAcrossSegments_SameAsContiguous(string hex)
    {
        var bytes = HeaderBytes.Concat(HeaderBytes.Hex(hex), Payload);
        var expected = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out var expectedHeader, out var expectedLength);
        Assert.Equal(ProxyHeaderStatus.Complete, expected);
        ReadOnlySequence<byte>[] splits =
        [
            Sequences.EveryByte(bytes),

            // Inside the signature, inside the fixed part, between the addresses, inside a port.
            Sequences.Split(bytes, 5, 13, 15, 20, 26),
            Sequences.Split(bytes, 12, 16),
            Sequences.Split(bytes, 14),
            Sequences.Split(bytes, expectedLength - 1, expectedLength),
        ];

        foreach (var sequence in splits)
        {
            var status = ProxyHeaderParser.TryParse(sequence, out var header, out var length);
            Assert.Equal(expected, status);
            Assert.Equal(expectedLength, length);
            Assert.Equal(expectedHeader, header);
        }
    }

    [Fact]
    public void TryParse_IPv4MappedIPv6Addresses_ParsedAsWritten()
    {
        // The header carries IPv6 bytes; whoever uses it maps them to IPv4 (the key does).
        var source = new IPEndPoint(IPAddress.Parse("::ffff:203.0.113.7"), 40000);
        var destination = new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.10"), 443);

        var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(HeaderBytes.V2(source, destination)), out var header, out var length);

        Assert.Equal(ProxyHeaderStatus.Complete, status);
        Assert.Equal(52, length);
        Assert.Equal(source, header.Source);
        Assert.Equal(destination, header.Destination);
    }

    /// <summary>Each family byte of <paramref name="families"/> under both commands, LOCAL (0x20) and PROXY (0x21).</summary>
    private static TheoryData<byte, byte> Rows(IEnumerable<byte> families)
    {
        var rows = new TheoryData<byte, byte>();
        foreach (byte command in new[] { 0x20, 0x21 })
        {
            foreach (var family in families)
            {
                rows.Add(command, family);
            }
        }

        return rows;
    }
}
