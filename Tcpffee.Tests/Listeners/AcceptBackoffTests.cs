using Tcpffee.Listeners;

namespace Tcpffee.Tests.Listeners;

/// <summary>The wait of a listener short of descriptors: 50 ms doubling to 1 s, and back to 50 ms after an accept.</summary>
public sealed class AcceptBackoffTests
{
    [Fact]
    public void Next_RepeatedFailures_DoubleFrom50MillisecondsUpToOneSecond()
    {
        var backoff = new AcceptBackoff();

        var waits = Enumerable.Range(0, 7).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000], waits);
    }

    [Fact]
    public void Reset_AfterAnAccept_StartsAgainAt50Milliseconds()
    {
        var backoff = new AcceptBackoff();
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(AcceptBackoff.First, backoff.Next());
    }
}
