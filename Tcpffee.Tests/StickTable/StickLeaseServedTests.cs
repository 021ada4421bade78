using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Only a connection that reached its backend renews its entry: a client retrying a dead backend lets it expire.</summary>
public sealed class StickLeaseServedTests
{
    private static readonly TimeSpan Expiration = StickTableTestClock.Expiration;
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public async Task Dispose_LeaseNeverConnected_EntryExpiresFromTheLastServedClose()
    {
        var table = _clock.NewTable();
        (await ServedAsync(table, Key("10.0.0.1"))).Dispose();

        // Attempts that never reach a backend, spread over most of the expiration.
        for (var i = 0; i < 10; i++)
        {
            _clock.Time.Advance(Expiration / 11);
            var attempt = table.TryOpen(Key("10.0.0.1"));
            Assert.NotNull(attempt);
            attempt.Dispose();
        }

        _clock.Time.Advance(Expiration - (Expiration / 11 * 10) - Tick);
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));
        _clock.Time.Advance(Tick);
        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public async Task Dispose_ConnectedLease_RenewsTheEntry()
    {
        var table = _clock.NewTable();
        (await ServedAsync(table, Key("10.0.0.1"))).Dispose();
        _clock.Time.Advance(Expiration - Tick);

        var again = table.TryOpen(Key("10.0.0.1"))!;
        again.Connected();
        again.Dispose();
        _clock.Time.Advance(Expiration - Tick);

        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public async Task Dispose_NewEntryNoConnectionReachedABackend_EntryGoesAtOnce()
    {
        var table = _clock.NewTable();
        var assignment = await table.AssignAsync(Key("10.0.0.1"), 1);

        assignment.Lease!.Dispose();

        Assert.Null(table.Lookup(Key("10.0.0.1")));
        Assert.Equal(0, table.CountForGroup(1));
    }

    [Fact]
    public async Task Dispose_AbandonedAttemptClosesAfterAServedOne_CountdownFromTheServedClose()
    {
        var table = _clock.NewTable();
        (await ServedAsync(table, Key("10.0.0.1"))).Dispose();
        var attempt = table.TryOpen(Key("10.0.0.1"))!;
        var served = table.TryOpen(Key("10.0.0.1"))!;
        served.Connected();
        _clock.Time.Advance(Expiration * 2);
        served.Dispose();
        _clock.Time.Advance(Expiration / 2);

        attempt.Dispose();

        _clock.Time.Advance(Expiration / 2 - Tick);
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));
        _clock.Time.Advance(Tick);
        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }

    private static async Task<StickLease> ServedAsync(LocalStickTable table, StickKey key)
    {
        var lease = (await table.AssignAsync(key, 1)).Lease!;
        lease.Connected();
        return lease;
    }
}
