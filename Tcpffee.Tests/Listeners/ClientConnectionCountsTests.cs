using System.Net;
using Tcpffee.Listeners;

namespace Tcpffee.Tests.Listeners;

/// <summary>The per-address counts behind <c>max_connections_per_client</c>: the limit holds under races, and nothing leaks.</summary>
public sealed class ClientConnectionCountsTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");

    [Fact]
    public void TryAcquire_AtTheLimit_RefusedUntilOneIsReleased()
    {
        var counts = new ClientConnectionCounts();
        Assert.True(counts.TryAcquire(Client, 2, out var first));
        Assert.True(counts.TryAcquire(Client, 2, out _));

        Assert.False(counts.TryAcquire(Client, 2, out _));
        Assert.True(counts.TryAcquire(IPAddress.Parse("192.0.2.2"), 2, out _));

        first.Dispose();
        Assert.Equal(1, counts.OpenFrom(Client));
        Assert.True(counts.TryAcquire(Client, 2, out _));
    }

    [Fact]
    public void TryAcquire_NoLimit_CountsNothing()
    {
        var counts = new ClientConnectionCounts();

        Assert.True(counts.TryAcquire(Client, 0, out var slot));
        slot.Dispose();

        Assert.Equal(0, counts.Clients);
    }

    [Fact]
    public async Task TryAcquire_ManyThreadsRacing_NeverOverTheLimitAndEmptyAfterward()
    {
        const int limit = 3;
        var counts = new ClientConnectionCounts();
        var highest = 0;
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (counts.TryAcquire(Client, limit, out var slot))
                {
                    var open = counts.OpenFrom(Client);
                    int seen;
                    while (open > (seen = Volatile.Read(ref highest)) && Interlocked.CompareExchange(ref highest, open, seen) != seen)
                    {
                    }

                    slot.Dispose();
                }
            }
        }));

        await Task.WhenAll(workers);

        Assert.InRange(highest, 1, limit);
        Assert.Equal(0, counts.Clients);
    }
}
