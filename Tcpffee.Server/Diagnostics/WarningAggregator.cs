using System.Collections.Concurrent;

namespace Tcpffee.Diagnostics;

/// <summary>
/// Cuts a repeated warning down to at most one line a second per group and reason, each line carrying how many of the
/// same were left out since the previous one: a dead backend under traffic would otherwise log thousands of lines a second.
/// </summary>
/// <remarks>Keys are few (groups × reasons); the state of a key is one timestamp and one counter, updated without a lock.</remarks>
internal sealed class WarningAggregator
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly long _window;
    private readonly ConcurrentDictionary<(int Scope, string Reason), Slot> _slots = new();

    public WarningAggregator(TimeProvider time)
    {
        _time = time;
        _window = (long)(Window.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>
    /// Whether this occurrence gets a line; if so, <paramref name="leftOut"/> is how many of the same were left out
    /// since the last line.
    /// </summary>
    /// <param name="scope">What the warning is about: a group, or a port for warnings that have no group.</param>
    /// <param name="reason">Why: occurrences with different reasons are counted apart.</param>
    /// <param name="leftOut">How many of the same were left out since the last line.</param>
    public bool ShouldLog(int scope, string reason, out long leftOut)
    {
        var slot = _slots.GetOrAdd((scope, reason), static _ => new Slot());
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref slot.LastLine);
        if ((slot.Logged && now - last < _window) || Interlocked.CompareExchange(ref slot.LastLine, now, last) != last)
        {
            Interlocked.Increment(ref slot.LeftOut);
            leftOut = 0;
            return false;
        }

        slot.Logged = true;
        leftOut = Interlocked.Exchange(ref slot.LeftOut, 0);
        return true;
    }

    private sealed class Slot
    {
        public long LastLine;
        public volatile bool Logged;
        public long LeftOut;
    }
}
