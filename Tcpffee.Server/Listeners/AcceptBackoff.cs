namespace Tcpffee.Listeners;

/// <summary>
/// How long a listener waits before it tries to accept again after running out of descriptors: 50 ms, doubling to
/// 1 s while the shortage lasts, and back to 50 ms after an accept succeeds. Retrying at once would spin a core on a
/// queued connection that cannot be taken.
/// </summary>
internal sealed class AcceptBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    private TimeSpan _next = First;

    /// <summary>The wait for this failure; the next one waits twice as long, up to <see cref="Longest"/>.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        _next = wait * 2 < Longest ? wait * 2 : Longest;
        return wait;
    }

    public void Reset() => _next = First;
}
