using System.Buffers;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>Builds <see cref="ReadOnlySequence{T}"/> values of several segments, as a pipe hands out bytes that arrived in pieces.</summary>
internal static class Sequences
{
    /// <summary>Splits <paramref name="bytes"/> into segments that start at each of <paramref name="cuts"/> (ascending offsets).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToList();
        var start = 0;
        Segment? first = null;
        Segment? last = null;
        foreach (var end in bounds)
        {
            // Each piece is its own array, so nothing can read past a segment's end by accident.
            var piece = bytes.AsSpan(start, end - start).ToArray();
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
            start = end;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>One segment per byte: the worst case for a parser that assumes contiguous memory.</summary>
    public static ReadOnlySequence<byte> EveryByte(byte[] bytes) => Split(bytes, [.. Enumerable.Range(1, Math.Max(0, bytes.Length - 1))]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
