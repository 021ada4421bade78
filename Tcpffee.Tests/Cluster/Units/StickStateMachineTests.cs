using Tcpffee.Cluster;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The replicated stick table's state machine: every time and setting comes from the applied command.</summary>
public sealed class StickStateMachineTests
{
    private const long T0 = 1_700_000_000_000;

    private readonly StickStateMachine _state = new();

    [Fact]
    public void Assign_EmptyTable_CreatesEntry()
    {
        _state.Assign(Key(1), 3, T0);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 3, T0), _state.Find(Key(1)));
        Assert.Equal(3, _state.Lookup(Key(1)));
        Assert.Equal(1, _state.Count);
        Assert.Equal(1, _state.CountForGroup(3));
    }

    [Fact]
    public void Assign_SameKeyOtherGroup_FirstCommittedWinsAndActivityRefreshed()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Assign(Key(1), 2, T0 + 1_000);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0 + 1_000), _state.Find(Key(1)));
        Assert.Equal((1, 0), (_state.CountForGroup(1), _state.CountForGroup(2)));
    }

    [Fact]
    public void Assign_SameKeyStampedEarlier_ActivityNotMovedBackwards()
    {
        _state.Assign(Key(1), 1, T0 + 5_000);

        _state.Assign(Key(1), 2, T0 + 1_000);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0 + 5_000), _state.Find(Key(1)));
    }

    [Fact]
    public void Assign_ReplacingCurrentGroup_MovesEntry()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Assign(Key(1), 2, T0 + 1_000, replacing: 1);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 2, T0 + 1_000), _state.Find(Key(1)));
        Assert.Equal((0, 1), (_state.CountForGroup(1), _state.CountForGroup(2)));
        Assert.Equal(1, _state.Count);
    }

    [Fact]
    public void Assign_ReplacingAnotherGroup_KeepsCurrent()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Assign(Key(1), 2, T0 + 1_000, replacing: 3);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0 + 1_000), _state.Find(Key(1)));
        Assert.Equal((1, 0), (_state.CountForGroup(1), _state.CountForGroup(2)));
    }

    [Theory]
    [InlineData(ExpirationMs - 1, 1, ExpirationMs - 1)]
    [InlineData(ExpirationMs, 2, ExpirationMs)]
    [InlineData(ExpirationMs + 50_000, 2, ExpirationMs + 50_000)]
    public void Assign_StampedAtOrAfterExpiry_ReplacesEntry(long after, int expectedGroup, long expectedLastActive)
    {
        _state.Assign(Key(1), 1, T0);

        _state.Assign(Key(1), 2, T0 + after);

        Assert.Equal(new ReplicatedStickEntry(Key(1), expectedGroup, T0 + expectedLastActive), _state.Find(Key(1)));
        Assert.Equal(expectedGroup == 1 ? (1, 0) : (0, 1), (_state.CountForGroup(1), _state.CountForGroup(2)));
        Assert.Equal(1, _state.Count);
    }

    [Fact]
    public void Assign_ExpirationComesFromTheCommand_ShorterStampedExpirationReplaces()
    {
        _state.Assign(Key(1), 1, T0, expirationMs: 60_000);

        _state.Assign(Key(1), 2, T0 + 10_000, expirationMs: 5_000);

        Assert.Equal(2, _state.Lookup(Key(1)));
    }

    [Fact]
    public void Touch_KnownKeys_RefreshesLastActive()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(2), 1, T0);

        _state.Touch(T0 + 30_000, Key(1));

        Assert.Equal(T0 + 30_000, _state.Find(Key(1))!.Value.LastActiveMs);
        Assert.Equal(T0, _state.Find(Key(2))!.Value.LastActiveMs);
    }

    [Fact]
    public void Touch_StampedEarlier_NeverMovesLastActiveBackwards()
    {
        _state.Assign(Key(1), 1, T0 + 30_000);

        _state.Touch(T0, Key(1));

        Assert.Equal(T0 + 30_000, _state.Find(Key(1))!.Value.LastActiveMs);
    }

    [Fact]
    public void Touch_UnknownKey_CreatesNothing()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Touch(T0 + 1, Key(2), Key(3));

        Assert.Equal(1, _state.Count);
        Assert.Null(_state.Find(Key(2)));
        Assert.Equal(1, _state.CountForGroup(1));
    }

    [Fact]
    public void Forget_KnownKey_RemovesIt()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(2), 1, T0);

        _state.Forget(Key(1), T0 + 1);

        Assert.Null(_state.Find(Key(1)));
        Assert.Equal(1, _state.Count);
        Assert.Equal(1, _state.CountForGroup(1));
    }

    [Fact]
    public void Forget_UnknownKey_NothingChanges()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Forget(Key(2), T0 + 1);

        Assert.Equal(1, _state.Count);
        Assert.Equal(1, _state.CountForGroup(1));
    }

    [Fact]
    public void Expire_ByCommandTime_RemovesExactlyEntriesIdleForExpiration()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(2), 2, T0 + 1);
        _state.Assign(Key(3), 2, T0 + 2);
        _state.Assign(Key(4), 1, T0 + 100_000);

        // At T0 + 1 + expiration, key 1 is idle for expiration + 1 and key 2 for exactly the expiration.
        _state.Expire(T0 + 1 + ExpirationMs);

        Assert.Equal([Key(3), Key(4)], _state.Snapshot().Select(e => e.Key).OrderBy(k => k.Bytes[^1]));
        Assert.Equal((1, 1), (_state.CountForGroup(1), _state.CountForGroup(2)));
        Assert.Equal(0, _state.Evictions);
    }

    [Fact]
    public void Expire_ExpirationComesFromTheCommand()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(2), 1, T0 + 10_000);

        _state.Expire(T0 + 15_000, expirationMs: 10_000);

        Assert.Equal(Key(2), Assert.Single(_state.Snapshot()).Key);
    }

    [Fact]
    public void Expire_OverBound_EvictsLongestIdleFirstAndCountsEvictions()
    {
        // Inserted out of activity order so that the dictionary's order is no help.
        _state.Assign(Key(3), 1, T0 + 3);
        _state.Assign(Key(1), 2, T0 + 1);
        _state.Assign(Key(5), 1, T0 + 5);
        _state.Assign(Key(2), 2, T0 + 2);
        _state.Assign(Key(4), 1, T0 + 4);

        _state.Expire(T0 + 10, maxEntries: 3);

        Assert.Equal([Key(3), Key(4), Key(5)], _state.Snapshot().Select(e => e.Key).OrderBy(k => k.Bytes[^1]));
        Assert.Equal(2, _state.Evictions);
        Assert.Equal((3, 0), (_state.CountForGroup(1), _state.CountForGroup(2)));
    }

    [Fact]
    public void Expire_OverBoundWithEqualActivity_KeyBytesBreakTies()
    {
        var v6 = StickKey.FromAddress(System.Net.IPAddress.Parse("::1"));
        foreach (var key in new[] { v6, Key(4), SlicedKey(2, 3), Key(2), Key(1), Key(3) })
        {
            _state.Assign(key, 1, T0);
        }

        _state.Expire(T0 + 10, maxEntries: 3);

        // Smallest bytes go first: Key(1), then Key(2), then Key(2) with a slice (longer, same prefix).
        var kept = _state.Snapshot().Select(e => e.Key).ToHashSet();
        Assert.Equal(new HashSet<StickKey> { Key(3), Key(4), v6 }, kept);
        Assert.Equal(3, _state.Evictions);
        Assert.Equal(3, _state.CountForGroup(1));
    }

    [Fact]
    public void Expire_ExpiredAndOverBound_OnlyTheTrimCountsAsEvictions()
    {
        for (var i = 0; i < 3; i++)
        {
            _state.Assign(Key(i), 1, T0);
        }

        for (var i = 10; i < 13; i++)
        {
            _state.Assign(Key(i), 2, T0 + ExpirationMs + i);
        }

        _state.Expire(T0 + ExpirationMs + 20, maxEntries: 2);

        Assert.Equal([Key(11), Key(12)], _state.Snapshot().Select(e => e.Key).OrderBy(k => k.Bytes[^1]));
        Assert.Equal(1, _state.Evictions);
        Assert.Equal((0, 2), (_state.CountForGroup(1), _state.CountForGroup(2)));
    }

    [Fact]
    public void Expire_UnderBoundNothingIdle_NothingChanges()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(2), 2, T0);

        _state.Expire(T0 + ExpirationMs - 1, maxEntries: 2);

        Assert.Equal(2, _state.Count);
        Assert.Equal(0, _state.Evictions);
    }

    [Fact]
    public void CountForGroup_ThroughAssignMoveTouchForgetExpire_StaysExact()
    {
        int[] groups = [0, 1, 2, 3];
        for (var i = 0; i < 30; i++)
        {
            _state.Assign(Key(i), i % 3, T0 + i);
        }

        _state.AssertGroupCountsExact(groups);

        for (var i = 0; i < 30; i += 2)
        {
            _state.Assign(Key(i), 3, T0 + 100, replacing: i % 3);
        }

        _state.AssertGroupCountsExact(groups);
        _state.Assign(Key(1), 3, T0 + 200);
        _state.Touch(T0 + ExpirationMs, Key(1), Key(3), Key(5));
        _state.Forget(Key(7), T0 + 300);
        _state.Forget(Key(8), T0 + 300);
        _state.AssertGroupCountsExact(groups);

        _state.Expire(T0 + ExpirationMs + 50);
        _state.AssertGroupCountsExact(groups);
        _state.Expire(T0 + ExpirationMs + 150, maxEntries: 4);
        _state.AssertGroupCountsExact(groups);

        _state.Assign(Key(1), 2, T0 + (3 * ExpirationMs));
        _state.AssertGroupCountsExact(groups);
        Assert.Equal(_state.Count, groups.Sum(g => _state.CountForGroup(g)));
    }

    [Theory]
    [InlineData(0L, ExpirationMs, 10)]
    [InlineData(ExpirationMs - 1, ExpirationMs, 10)]
    [InlineData(ExpirationMs, ExpirationMs, 10)]
    [InlineData(ExpirationMs + 5, ExpirationMs, 10)]
    [InlineData(ExpirationMs + 20, ExpirationMs, 10)]
    [InlineData(0L, ExpirationMs, 5)]
    [InlineData(0L, ExpirationMs, 4)]
    [InlineData(10L, 5L, 10)]
    [InlineData(4L, 5L, 10)]
    public void HasExpiredOrExcess_AnyStamp_AgreesWithWhatExpireRemoves(long after, long expirationMs, int maxEntries)
    {
        for (var i = 0; i < 5; i++)
        {
            _state.Assign(Key(i), i % 2, T0 + (i * 5));
        }

        var predicted = _state.HasExpiredOrExcess(T0 + after, TimeSpan.FromMilliseconds(expirationMs), maxEntries);
        _state.Expire(T0 + after, expirationMs, maxEntries);

        Assert.Equal(predicted, _state.Count < 5);
    }

    [Fact]
    public void HasExpiredOrExcess_EmptyTable_False() =>
        Assert.False(_state.HasExpiredOrExcess(T0, TimeSpan.FromMinutes(1), 0));

    [Fact]
    public void SerializeRestore_RoundTrip_SameEntriesAndCounts()
    {
        for (var i = 0; i < 50; i++)
        {
            _state.Assign(i % 7 == 0 ? SlicedKey(i, i) : Key(i), i % 4, T0 + (i * 1_000));
        }

        _state.Forget(Key(3), T0);
        var restored = new StickStateMachine();

        restored.Restore(_state.Serialize());

        Assert.Equal(_state.Sorted(), restored.Sorted());
        Assert.Equal(_state.Count, restored.Count);
        Assert.All(Enumerable.Range(0, 5), g => Assert.Equal(_state.CountForGroup(g), restored.CountForGroup(g)));
        Assert.Equal(_state.Serialize().Length, restored.Serialize().Length);
    }

    [Fact]
    public void Restore_IntoStateWithEntries_ReplacesThemAndTheirCounts()
    {
        _state.Assign(Key(1), 1, T0);
        var other = new StickStateMachine();
        other.Assign(Key(2), 2, T0);
        other.Assign(Key(3), 9, T0);

        other.Restore(_state.Serialize());

        Assert.Equal(_state.Sorted(), other.Sorted());
        Assert.Equal((1, 0, 0), (other.CountForGroup(1), other.CountForGroup(2), other.CountForGroup(9)));
    }

    [Fact]
    public void SerializeRestore_EmptyTable_StaysEmpty()
    {
        var restored = new StickStateMachine();
        restored.Assign(Key(1), 1, T0);

        restored.Restore(_state.Serialize());

        Assert.Equal(0, restored.Count);
        Assert.Equal(0, restored.CountForGroup(1));
    }

    [Theory]
    [InlineData("Assign", 0)]
    [InlineData("Assign", StickCommand.HeaderLength - 1)]
    [InlineData("Touch", 0)]
    [InlineData("Touch", 7)]
    [InlineData("Forget", 0)]
    [InlineData("Forget", StickCommand.HeaderLength - 1)]
    [InlineData("Expire", 0)]
    [InlineData("Expire", StickCommand.HeaderLength - 1)]
    public void Apply_PayloadShorterThanHeader_Ignored(string kindName, int length)
    {
        var kind = Enum.Parse<StickCommandKind>(kindName);
        _state.Assign(Key(1), 1, T0);

        // Filled so that a header read by mistake would be a far-future time with a zero bound.
        var payload = Enumerable.Repeat((byte)0x7f, length).ToArray();
        _state.Apply(kind, payload);

        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0), _state.Find(Key(1)));
        Assert.Equal(1, _state.CountForGroup(1));
    }

    [Fact]
    public void Apply_UnknownKind_NothingChanges()
    {
        _state.Assign(Key(1), 1, T0);

        _state.Apply((StickCommandKind)99, Stamped(StickCommand.Assign(Key(2), 2, null), T0 + (10 * ExpirationMs), 1, 0));

        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0), Assert.Single(_state.Snapshot()));
    }

    /// <summary>
    /// A command at least a header long but too short for its kind's body. Such a command passes the leader's
    /// <see cref="StickReplica.Stamp"/>, gets committed, and is then applied by every replica.
    /// </summary>
    [Theory]
    [InlineData("Assign", 0)]
    [InlineData("Assign", 7)]
    [InlineData("Assign", 8)]
    [InlineData("Forget", 0)]
    [InlineData("Touch", 1)]
    [InlineData("Touch", 3)]
    public void Apply_HeaderButTruncatedBody_IgnoredWithoutThrowing(string kindName, int bodyLength)
    {
        var kind = Enum.Parse<StickCommandKind>(kindName);
        _state.Assign(Key(1), 1, T0);
        var payload = Stamped(new byte[StickCommand.HeaderLength + bodyLength], T0 + 1);
        if (kind == StickCommandKind.Touch && bodyLength >= 2)
        {
            // A key length of 200 with one byte of key behind it.
            payload[StickCommand.HeaderLength] = 200;
        }

        var thrown = Record.Exception(() => _state.Apply(kind, payload));

        Assert.Null(thrown);
        Assert.Equal(new ReplicatedStickEntry(Key(1), 1, T0), _state.Find(Key(1)));
        Assert.Equal(1, _state.Count);
    }
}
