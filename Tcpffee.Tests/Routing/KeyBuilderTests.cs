using System.Buffers;
using System.Net;
using System.Text;
using Tcpffee.Configuration;
using Tcpffee.Routing;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.Routing;

/// <summary>Keys from the client address alone, or with bytes [start, end) of its first message.</summary>
public sealed class KeyBuilderTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    private static StickKey Expected(string slice) => StickKey.FromAddress(Client, Encoding.ASCII.GetBytes(slice));

    [Fact]
    public void Build_IpKeyType_IgnoresBytesAndNeedsNone()
    {
        var keys = new KeyBuilder(KeyType.Ip, 0, 0);

        Assert.Equal(0, keys.BytesNeeded);
        Assert.Equal(StickKey.FromAddress(Client), keys.Build(Client, Bytes("hello world")));
    }

    [Theory]
    [InlineData(0, 4, "abcdefgh", "abcd")]
    [InlineData(2, 5, "abcdefgh", "cde")]
    [InlineData(2, 5, "abcde", "cde")]
    [InlineData(2, 6, "abcd", "cd")]
    [InlineData(2, 6, "abc", "c")]
    [InlineData(2, 6, "ab", "")]
    [InlineData(2, 6, "a", "")]
    [InlineData(0, 4, "", "")]
    public void Build_SliceKeyType_UsesBytesFromStartToEndOfWhatArrived(int start, int end, string first, string slice)
    {
        var keys = new KeyBuilder(KeyType.IpWithFirstMessageSlice, start, end);

        Assert.Equal(end, keys.BytesNeeded);
        Assert.Equal(Expected(slice), keys.Build(Client, Bytes(first)));
    }

    [Fact]
    public void Build_NoBytesAtAll_SameKeyAsAddressAlone()
    {
        var keys = new KeyBuilder(KeyType.IpWithFirstMessageSlice, 0, 8);

        Assert.Equal(StickKey.FromAddress(Client), keys.Build(Client, ReadOnlySequence<byte>.Empty));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 4)]
    [InlineData(0, 10)]
    [InlineData(5, 6)]
    public void Build_MultiSegmentSequence_SameKeyAsOneSegment(int start, int end)
    {
        var keys = new KeyBuilder(KeyType.IpWithFirstMessageSlice, start, end);
        var segmented = Segments("ab", "c", "defg", "hij");

        Assert.False(segmented.IsSingleSegment);
        Assert.Equal(keys.Build(Client, Bytes("abcdefghij")), keys.Build(Client, segmented));
        Assert.Equal(Expected("abcdefghij"[start..end]), keys.Build(Client, segmented));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_IPv4MappedIPv6Address_SameKeyAsIPv4(bool withSlice)
    {
        var keys = withSlice ? new KeyBuilder(KeyType.IpWithFirstMessageSlice, 0, 3) : new KeyBuilder(KeyType.Ip, 0, 0);

        var mapped = keys.Build(IPAddress.Parse("::ffff:10.1.2.3"), Bytes("xyz"));

        Assert.Equal(keys.Build(Client, Bytes("xyz")), mapped);
        Assert.Equal(Client, mapped.Address);
    }

    [Fact]
    public void Build_DifferentAddressesSameSlice_DifferentKeys()
    {
        var keys = new KeyBuilder(KeyType.IpWithFirstMessageSlice, 0, 3);

        Assert.NotEqual(keys.Build(Client, Bytes("xyz")), keys.Build(IPAddress.Parse("10.1.2.4"), Bytes("xyz")));
    }

    private static ReadOnlySequence<byte> Segments(params string[] parts)
    {
        var first = new Segment(Encoding.ASCII.GetBytes(parts[0]), 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(Encoding.ASCII.GetBytes(part));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
