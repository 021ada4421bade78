using System.Buffers;
using System.Net;
using Tcpffee.Configuration;
using Tcpffee.StickTable;

namespace Tcpffee.Routing;

/// <summary>Builds a client's stick key from its address and, for the slice key type, bytes [start, end) of its first message.</summary>
internal sealed class KeyBuilder
{
    private readonly int _start;
    private readonly int _end;

    public KeyBuilder(KeyType type, int sliceStart, int sliceEnd)
    {
        Type = type;
        _start = sliceStart;
        _end = sliceEnd;
    }

    public KeyType Type { get; }

    /// <summary>How many first-message bytes the key needs; 0 when the key is the address alone.</summary>
    public int BytesNeeded => Type == KeyType.IpWithFirstMessageSlice ? _end : 0;

    /// <summary>The key; <paramref name="firstBytes"/> may be shorter than needed (or empty) when the client sent less in time.</summary>
    public StickKey Build(IPAddress client, ReadOnlySequence<byte> firstBytes)
    {
        if (Type == KeyType.Ip || firstBytes.Length <= _start)
        {
            return StickKey.FromAddress(client, []);
        }

        var slice = firstBytes.Slice(_start, Math.Min(firstBytes.Length, _end) - _start);
        if (slice.IsSingleSegment)
        {
            return StickKey.FromAddress(client, slice.FirstSpan);
        }

        Span<byte> copy = stackalloc byte[(int)slice.Length];
        slice.CopyTo(copy);
        return StickKey.FromAddress(client, copy);
    }
}
