using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>Tests for the connection lifecycle semantics of the local stick table.</summary>
public sealed class LocalStickTableTests
{
    private readonly StickTableTestClock _clock = new();

    [Fact]
    public void Lookup_AbsentKey_ReturnsNull() => Assert.Null(_clock.NewTable().Lookup(Key("10.0.0.1")));

    [Fact]
    public void Assign_NewKey_CreatesEntryWithOneOpenConnection()
    {
        var table = _clock.NewTable();

        var result = table.Assign(Key("10.0.0.1"), 7);

        Assert.Equal(new StickAssignment(7, StickAssignmentStatus.Assigned), result);
        Assert.Equal(7, table.Lookup(Key("10.0.0.1")));
        var entry = Assert.Single(table.Snapshot());
        Assert.Equal(new StickEntrySnapshot(Key("10.0.0.1"), 7, 1, null), entry);
        Assert.Equal(1, table.Count);
    }

    [Theory]
    [InlineData(1, 2, null, 1, false)]
    [InlineData(1, 2, 3, 1, false)]
    [InlineData(1, 1, null, 1, false)]
    [InlineData(1, 2, 1, 2, true)]
    [InlineData(1, 1, 1, 1, true)]
    public void Assign_AliveEntry_KeepsOrReassignsGroup(int existing, int requested, int? replacing, int expectedGroup, bool reassigned)
    {
        var expectedStatus = reassigned ? StickAssignmentStatus.Reassigned : StickAssignmentStatus.Existing;
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), existing);

        var result = table.Assign(Key("10.0.0.1"), requested, replacing);

        Assert.Equal(new StickAssignment(expectedGroup, expectedStatus), result);
        Assert.Equal(expectedGroup, table.Lookup(Key("10.0.0.1")));
        Assert.Equal(2, Assert.Single(table.Snapshot()).OpenConnections);
    }

    [Fact]
    public void Assign_IdleEntry_ReopensItWithExistingGroup()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 4);
        table.Release(Key("10.0.0.1"));

        var result = table.Assign(Key("10.0.0.1"), 9);

        Assert.Equal(new StickAssignment(4, StickAssignmentStatus.Existing), result);
        Assert.Equal(new StickEntrySnapshot(Key("10.0.0.1"), 4, 1, null), Assert.Single(table.Snapshot()));
    }

    [Fact]
    public void OpenExisting_AbsentKey_ReturnsNullAndStoresNothing()
    {
        var table = _clock.NewTable();

        Assert.Null(table.OpenExisting(Key("10.0.0.1")));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void OpenExisting_AliveEntry_ReturnsGroupAndCountsConnection()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 3);

        Assert.Equal(3, table.OpenExisting(Key("10.0.0.1")));
        Assert.Equal(2, Assert.Single(table.Snapshot()).OpenConnections);
    }

    [Fact]
    public void Lookup_AliveEntry_HasNoSideEffects()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 3);
        table.Release(Key("10.0.0.1"));
        var before = Assert.Single(table.Snapshot());

        Assert.Equal(3, table.Lookup(Key("10.0.0.1")));
        Assert.Equal(before, Assert.Single(table.Snapshot()));
    }

    [Fact]
    public void Release_LastConnection_StartsExpiryCountdownNow()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 3);
        table.OpenExisting(Key("10.0.0.1"));
        _clock.Time.Advance(TimeSpan.FromMinutes(5));

        table.Release(Key("10.0.0.1"));
        Assert.Null(Assert.Single(table.Snapshot()).ExpiresAt);
        _clock.Time.Advance(TimeSpan.FromMinutes(1));
        table.Release(Key("10.0.0.1"));

        var entry = Assert.Single(table.Snapshot());
        Assert.Equal(0, entry.OpenConnections);
        Assert.Equal(_clock.Time.GetUtcNow() + StickTableTestClock.Expiration, entry.ExpiresAt);
    }

    [Fact]
    public void Release_UnknownKey_DoesNothing()
    {
        var table = _clock.NewTable();

        table.Release(Key("10.0.0.1"));

        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Release_MoreThanOpened_DoesNotGoNegative()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 3);
        table.Release(Key("10.0.0.1"));

        table.Release(Key("10.0.0.1"));
        table.Assign(Key("10.0.0.1"), 3);

        Assert.Equal(1, Assert.Single(table.Snapshot()).OpenConnections);
    }

    [Fact]
    public void Forget_EntryWithOpenConnections_KeptUntilTheyCloseAndLaterReleaseIsHarmless()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 3);

        Assert.Equal(StickForgetResult.InUse, table.Forget(Key("10.0.0.1")));
        Assert.Equal(3, table.Lookup(Key("10.0.0.1")));
        table.Release(Key("10.0.0.1"));
        Assert.Equal(StickForgetResult.Forgotten, table.Forget(Key("10.0.0.1")));
        table.Release(Key("10.0.0.1"));

        Assert.Null(table.Lookup(Key("10.0.0.1")));
        Assert.Equal(StickForgetResult.NotFound, table.Forget(Key("10.0.0.1")));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Snapshot_MixedEntries_ReportsOpenCountsAndExpiry()
    {
        var table = _clock.NewTable();
        table.Assign(Key("10.0.0.1"), 1);
        table.Assign(Key("10.0.0.2", "s"), 2);
        table.Release(Key("10.0.0.2", "s"));
        _clock.Time.Advance(TimeSpan.FromMinutes(10));

        var snapshot = table.Snapshot().OrderBy(e => e.GroupId).ToList();

        Assert.Equal(
            [
                new StickEntrySnapshot(Key("10.0.0.1"), 1, 1, null),
                new StickEntrySnapshot(Key("10.0.0.2", "s"), 2, 0, StickTableTestClock.Start + StickTableTestClock.Expiration),
            ],
            snapshot);
    }

    [Fact]
    public void Operations_DefaultKey_Throw()
    {
        var table = _clock.NewTable();

        Assert.Throws<ArgumentException>(() => table.Lookup(default));
        Assert.Throws<ArgumentException>(() => table.Assign(default, 1));
        Assert.Throws<ArgumentException>(() => table.Release(default));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(60, 0)]
    [InlineData(60, -5)]
    [InlineData(400 * 24 * 3600, 10)]
    public void Configure_InvalidSettings_Throws(int expirationSeconds, int maxEntries)
    {
        var table = _clock.NewTable();

        Assert.Throws<ArgumentOutOfRangeException>(() => table.Configure(TimeSpan.FromSeconds(expirationSeconds), maxEntries));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.NewTable(maxEntries, TimeSpan.FromSeconds(expirationSeconds)));
    }
}
