using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for expiry driven by a fake clock.</summary>
public sealed class LocalStickTableExpiryTests
{
    private static readonly TimeSpan Expiration = StickTableTestClock.Expiration;
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Lookup_OpenEntry_StaysAliveHoweverMuchTimePasses()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);

        _clock.Time.Advance(Expiration * 100);

        Assert.Equal(0, table.SweepExpired());
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public void Lookup_IdleEntry_AliveUntilExactlyExpirationAfterRelease()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        _clock.Time.Advance(TimeSpan.FromMinutes(3));
        table.Release(Key("10.0.0.1"));

        _clock.Time.Advance(Expiration - Tick);
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));

        _clock.Time.Advance(Tick);
        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public void Release_SecondOfTwoConnections_CountsFromTheLastRelease()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.OpenExisting(Key("10.0.0.1"));
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration * 2);
        table.Release(Key("10.0.0.1"));

        _clock.Time.Advance(Expiration - Tick);
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));
        _clock.Time.Advance(Tick);
        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public void OpenExisting_BeforeExpiry_CancelsCountdown()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration - Tick);

        Assert.Equal(1, table.OpenExisting(Key("10.0.0.1")));
        _clock.Time.Advance(Expiration * 3);
        Assert.Equal(1, table.Lookup(Key("10.0.0.1")));

        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration);
        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }

    [Fact]
    public void Operations_ExpiredButUnswept_TreatEntryAsAbsent()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration);

        Assert.Equal(1, table.StoredCount);
        Assert.Null(table.OpenExisting(Key("10.0.0.1")));
        Assert.Equal(new StickAssignment(2, StickAssignmentStatus.Assigned), table.Assign(Key("10.0.0.1"), 2, replacing: 1));
        Assert.Equal(1, table.Count);
        Assert.Equal(0, table.CountForGroup(1));
        Assert.Equal(1, table.CountForGroup(2));
    }

    [Fact]
    public void Forget_ExpiredEntry_NotFound()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration);

        Assert.Equal(StickForgetResult.NotFound, table.Forget(Key("10.0.0.1")));
    }

    [Fact]
    public void Snapshot_ExpiredEntry_Excluded()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Assign(Key("10.0.0.2"), 1);
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(Expiration);

        Assert.Equal(Key("10.0.0.2"), Assert.Single(table.Snapshot()).Key);
    }

    [Fact]
    public void SweepExpired_SomeExpired_RemovesOnlyThoseAndReturnsCount()
    {
        var table = _clock.NewTable();
        for (int i = 0; i < 5; i++)
        {
            table.Assign(Key(i), 1);
            table.Release(Key(i));
            _clock.Time.Advance(TimeSpan.FromMinutes(1));
        }

        table.Assign(Key(99), 1);
        _clock.Time.Advance(Expiration - TimeSpan.FromMinutes(3));

        Assert.Equal(3, table.SweepExpired());
        Assert.Equal(3, table.StoredCount);
        Assert.Equal(0, table.SweepExpired());
        Assert.Null(table.Lookup(Key(2)));
        Assert.Equal(1, table.Lookup(Key(3)));
    }

    [Fact]
    public void Configure_ShorterExpiration_AppliesToAlreadyIdleEntries()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Release(Key("10.0.0.1"));
        _clock.Time.Advance(TimeSpan.FromMinutes(10));

        table.Configure(TimeSpan.FromMinutes(10), 1000);

        Assert.Null(table.Lookup(Key("10.0.0.1")));
        Assert.Equal(0, table.StoredCount);
    }

    [Fact]
    public void Release_ZeroExpiration_ForgetsEntryImmediately()
    {
        var table = _clock.NewTable(expiration: TimeSpan.Zero);
        table.Assign(Key("10.0.0.1"), 1);

        table.Release(Key("10.0.0.1"));

        Assert.Null(table.Lookup(Key("10.0.0.1")));
    }
}
