using System.Net;
using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for key identity, text form and serialized form.</summary>
public sealed class StickKeyTests
{
    [Fact]
    public void FromAddress_IPv4MappedIPv6_EqualsIPv4()
    {
        var mapped = StickKey.FromAddress(IPAddress.Parse("10.1.2.3").MapToIPv6());
        var plain = Key("10.1.2.3");

        Assert.Equal(plain, mapped);
        Assert.True(plain == mapped);
        Assert.Equal(plain.GetHashCode(), mapped.GetHashCode());
        Assert.Equal(IPAddress.Parse("10.1.2.3"), mapped.Address);
        Assert.Equal("10.1.2.3", mapped.ToString());
        Assert.Equal(5, mapped.Bytes.Length);
    }

    [Theory]
    [InlineData("::ffff:10.1.2.3", false)]
    [InlineData("2001:db8::ffff:a01:203", true)]
    [InlineData("::1", true)]
    public void TryFromBytes_SixteenByteAddress_RefusedOnlyWhenIPv4Mapped(string address, bool accepted)
    {
        byte[] bytes = [16, .. IPAddress.Parse(address).GetAddressBytes(), (byte)'x'];

        Assert.Equal(accepted, StickKey.TryFromBytes(bytes, out var key));
        Assert.Equal(accepted, StickKey.IsSerializedKey(bytes));
        Assert.Equal(!accepted, key.IsDefault);
    }

    [Fact]
    public void FromAddress_IPv4MappedWithSlice_EqualsIPv4WithSlice() =>
        Assert.Equal(Key("10.1.2.3", "abc"), StickKey.FromAddress(IPAddress.Parse("::ffff:10.1.2.3"), "abc"u8));

    [Fact]
    public void FromAddress_WithSlice_DiffersFromWithout()
    {
        Assert.NotEqual(Key("10.1.2.3"), Key("10.1.2.3", "x"));
        Assert.NotEqual(Key("10.1.2.3", "x"), Key("10.1.2.3", "y"));
        Assert.NotEqual(Key("2001:db8::1"), Key("2001:db8::1", "x"));
    }

    [Fact]
    public void FromAddress_EmptySlice_EqualsNoSlice() => Assert.Equal(Key("10.1.2.3"), Key("10.1.2.3", ""));

    [Fact]
    public void FromAddress_IPv4WithTwelveByteSlice_DiffersFromIPv6WithSameBytes()
    {
        var v4 = StickKey.FromAddress(IPAddress.Parse("1.2.3.4"), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        var v6 = StickKey.FromAddress(new IPAddress([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));

        Assert.NotEqual(v4, v6);
    }

    [Fact]
    public void Equals_SeparatelyBuiltKeys_EqualByContent()
    {
        var a = Key("192.168.0.1", "session=42");
        var b = Key("192.168.0.1", "session=42");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
        Assert.False(a != b);
    }

    [Fact]
    public void Accessors_KeyWithSlice_ReturnAddressAndSlice()
    {
        var key = Key("2001:db8::7", "hi");

        Assert.Equal(IPAddress.Parse("2001:db8::7"), key.Address);
        Assert.Equal("hi"u8.ToArray(), key.Slice.ToArray());
        Assert.True(Key("2001:db8::7").Slice.IsEmpty);
    }

    [Fact]
    public void FromAddress_SliceTooLong_Throws() =>
        Assert.Throws<ArgumentException>(() => StickKey.FromAddress(IPAddress.Loopback, new byte[StickKey.MaxSliceLength + 1]));

    [Theory]
    [InlineData("10.0.0.1", "", "10.0.0.1")]
    [InlineData("10.0.0.1", "414243", "10.0.0.1|ABC")]
    [InlineData("10.0.0.1", "00FF0A7F", @"10.0.0.1|\x00\xFF\x0A\x7F")]
    [InlineData("10.0.0.1", "5C7C20", @"10.0.0.1|\x5C| ")]
    [InlineData("2001:db8::1", "7E", "2001:db8::1|~")]
    public void ToString_Slice_RendersPrintableAsciiAndEscapes(string address, string sliceHex, string expected) =>
        Assert.Equal(expected, StickKey.FromAddress(IPAddress.Parse(address), Convert.FromHexString(sliceHex)).ToString());

    [Theory]
    [InlineData("10.0.0.1", "")]
    [InlineData("10.0.0.1", "414243")]
    [InlineData("10.0.0.1", "000102030405060708090A0B0C0D0E0F101F7F80FE")]
    [InlineData("10.0.0.1", "5C785C7C7C")]
    [InlineData("255.255.255.255", "7C")]
    [InlineData("::1", "20")]
    [InlineData("2001:db8::1", "FF5C")]
    public void TryParse_ToStringOutput_RoundTrips(string address, string sliceHex)
    {
        var key = StickKey.FromAddress(IPAddress.Parse(address), Convert.FromHexString(sliceHex));

        Assert.True(StickKey.TryParse(key.ToString(), out var parsed));
        Assert.Equal(key, parsed);
    }

    [Fact]
    public void TryParse_LowercaseHexAndMappedAddress_Accepted()
    {
        Assert.True(StickKey.TryParse(@"::ffff:10.0.0.1|\xff\x0a", out var key));
        Assert.Equal(StickKey.FromAddress(IPAddress.Parse("10.0.0.1"), [0xFF, 0x0A]), key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-an-ip")]
    [InlineData("|abc")]
    [InlineData(@"10.0.0.1|\x4")]
    [InlineData(@"10.0.0.1|\x")]
    [InlineData(@"10.0.0.1|\")]
    [InlineData(@"10.0.0.1|\q41")]
    [InlineData(@"10.0.0.1|\xZZ")]
    [InlineData("10.0.0.1|caf\u00e9")]
    [InlineData("10.0.0.1|tab\there")]
    public void TryParse_InvalidText_ReturnsFalse(string? text) =>
        Assert.False(StickKey.TryParse(text, out _));

    [Fact]
    public void TryParse_SliceTooLong_ReturnsFalse() =>
        Assert.False(StickKey.TryParse("10.0.0.1|" + new string('a', StickKey.MaxSliceLength + 1), out _));

    [Theory]
    [InlineData("10.0.0.1", "")]
    [InlineData("10.0.0.1", "0001FF")]
    [InlineData("2001:db8::1", "")]
    [InlineData("2001:db8::1", "41")]
    public void FromBytes_SerializedKey_RoundTrips(string address, string sliceHex)
    {
        var key = StickKey.FromAddress(IPAddress.Parse(address), Convert.FromHexString(sliceHex));

        var copy = StickKey.FromBytes(key.Bytes);

        Assert.Equal(key, copy);
        Assert.Equal(key.ToString(), copy.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("05010203040506")]
    [InlineData("04010203")]
    [InlineData("1001020304")]
    [InlineData("1000000000000000000000FFFF0A000001")]
    public void TryFromBytes_InvalidBytes_ReturnsFalse(string hex)
    {
        Assert.False(StickKey.TryFromBytes(Convert.FromHexString(hex), out _));
        Assert.Throws<FormatException>(() => StickKey.FromBytes(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Default_IsDefault_AndNotEqualToRealKey()
    {
        Assert.True(default(StickKey).IsDefault);
        Assert.False(Key("10.0.0.1").IsDefault);
        Assert.NotEqual(Key("10.0.0.1"), default);
        Assert.Equal(string.Empty, default(StickKey).ToString());
    }
}
