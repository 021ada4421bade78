using Tcpffee.Cluster;
using Tcpffee.Model;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The replicated health verdict: a majority of all the proxies' observations, otherwise the previous verdict.</summary>
/// <remarks>A check's first verdict counts as a change: proxies route by their own observation until there is one.</remarks>
public sealed class HealthReplicaTests
{
    private const string Check = "group 1 tcp 10.0.0.5:80";
    private const string OtherCheck = "group 2 http http://10.0.0.6/health";

    private int _changes;

    private HealthReplica NewReplica(int nodes)
    {
        var replica = new HealthReplica(nodes);
        replica.Changed += () => _changes++;
        return replica;
    }

    private static void Observe(HealthReplica replica, int node, bool up, string check = Check) =>
        replica.Apply((int)HealthCommandKind.Observe, HealthCommand.Observe(node, check, up));

    private static void Override(HealthReplica replica, int groupId, GroupStatus status) =>
        replica.Apply((int)HealthCommandKind.Override, HealthCommand.Override(groupId, status));

    [Fact]
    public void Verdict_NoObservation_Null()
    {
        var replica = NewReplica(3);

        Assert.Null(replica.Verdict(Check));
        Assert.Equal(new bool?[3], replica.Votes(Check));
    }

    [Fact]
    public void Observe_FirstUpVote_UpAndChangedOnceForTheFirstVerdict()
    {
        var replica = NewReplica(3);

        Observe(replica, 0, up: true);

        Assert.True(replica.Verdict(Check));
        Assert.Equal(new bool?[] { true, null, null }, replica.Votes(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesOneDownVote_StaysUp()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: true);
        Observe(replica, 1, up: true);

        Observe(replica, 2, up: false);

        Assert.True(replica.Verdict(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesOneDownVoteOnly_StaysUp()
    {
        var replica = NewReplica(3);

        Observe(replica, 1, up: false);

        Assert.True(replica.Verdict(Check));
        Assert.Equal(new bool?[] { null, false, null }, replica.Votes(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesTwoDownVotes_Down()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: true);
        Observe(replica, 1, up: false);

        Observe(replica, 2, up: false);

        Assert.False(replica.Verdict(Check));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesDownThenOneUpVote_StaysDownUntilAMajorityIsUp()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);

        Observe(replica, 0, up: true);
        var afterOne = replica.Verdict(Check);
        Observe(replica, 2, up: true);

        Assert.False(afterOne);
        Assert.True(replica.Verdict(Check));
        Assert.Equal(3, _changes);
    }

    [Fact]
    public void Observe_TwoNodesTieAfterUp_KeepsUp()
    {
        var replica = NewReplica(2);
        Observe(replica, 0, up: true);

        Observe(replica, 1, up: false);

        Assert.True(replica.Verdict(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_TwoNodesTieAfterDown_KeepsDown()
    {
        var replica = NewReplica(2);
        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);
        Assert.False(replica.Verdict(Check));

        Observe(replica, 0, up: true);

        Assert.False(replica.Verdict(Check));
        Assert.Equal(new bool?[] { true, false }, replica.Votes(Check));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Observe_SingleNode_ItsOwnVoteDecides()
    {
        var replica = NewReplica(1);

        Observe(replica, 0, up: false);
        var down = replica.Verdict(Check);
        Observe(replica, 0, up: true);

        Assert.False(down);
        Assert.True(replica.Verdict(Check));
        Assert.Equal(2, _changes);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Observe_NodeIndexOutOfRange_Ignored(int node)
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: false);

        Observe(replica, node, up: false);
        Observe(replica, node, up: false);

        Assert.True(replica.Verdict(Check));
        Assert.Equal(new bool?[] { false, null, null }, replica.Votes(Check));
        Assert.Null(replica.Verdict(OtherCheck));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_NodeIndexOutOfRangeForUnknownCheck_CheckNotCreated()
    {
        var replica = NewReplica(3);

        Observe(replica, 3, up: false, OtherCheck);

        Assert.Null(replica.Verdict(OtherCheck));
    }

    [Fact]
    public void Observe_ChecksAreIndependent()
    {
        var replica = NewReplica(3);

        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);
        Observe(replica, 2, up: true, OtherCheck);

        Assert.False(replica.Verdict(Check));
        Assert.True(replica.Verdict(OtherCheck));
        Assert.Equal(new bool?[] { null, null, true }, replica.Votes(OtherCheck));
    }

    [Fact]
    public void Observe_SameVoteRepeated_ChangedNotRaisedAgain()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);

        for (var i = 0; i < 5; i++)
        {
            Observe(replica, 0, up: false);
            Observe(replica, 2, up: false);
            Observe(replica, 2, up: true);
        }

        Assert.False(replica.Verdict(Check));
        Assert.Equal(2, _changes);
    }

    [Theory]
    [InlineData("Draining")]
    [InlineData("Disabled")]
    public void Override_NotUp_SetsIt(string statusName)
    {
        var status = Enum.Parse<GroupStatus>(statusName);
        var replica = NewReplica(3);

        Override(replica, 4, status);

        Assert.Equal(new Dictionary<int, GroupStatus> { [4] = status }, replica.Overrides());
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Override_Up_ClearsIt()
    {
        var replica = NewReplica(3);
        Override(replica, 4, GroupStatus.Disabled);
        Override(replica, 5, GroupStatus.Draining);

        Override(replica, 4, GroupStatus.Up);

        Assert.Equal(new Dictionary<int, GroupStatus> { [5] = GroupStatus.Draining }, replica.Overrides());
        Assert.Equal(3, _changes);
    }

    [Fact]
    public void Override_NoChange_ChangedNotRaised()
    {
        var replica = NewReplica(3);

        Override(replica, 4, GroupStatus.Up);
        Override(replica, 5, GroupStatus.Disabled);
        Override(replica, 5, GroupStatus.Disabled);

        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Override_ChangedFromDrainingToDisabled_ChangedRaised()
    {
        var replica = NewReplica(3);
        Override(replica, 4, GroupStatus.Draining);

        Override(replica, 4, GroupStatus.Disabled);

        Assert.Equal(GroupStatus.Disabled, replica.Overrides()[4]);
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Overrides_ReturnedCopy_NotChangedByLaterCommands()
    {
        var replica = NewReplica(3);
        Override(replica, 4, GroupStatus.Draining);
        var before = replica.Overrides();

        Override(replica, 4, GroupStatus.Up);

        Assert.Equal(GroupStatus.Draining, before[4]);
        Assert.Empty(replica.Overrides());
    }

    [Theory]
    [InlineData((int)HealthCommandKind.Observe, 4)]
    [InlineData((int)HealthCommandKind.Override, 7)]
    [InlineData((int)HealthCommandKind.Observe, 0)]
    [InlineData(99, 16)]
    public void Apply_ShortPayloadOrUnknownCommand_Ignored(int commandId, int length)
    {
        var replica = NewReplica(3);

        replica.Apply(commandId, new byte[length]);

        Assert.Empty(replica.Overrides());
        Assert.Equal(0, _changes);
    }

    [Fact]
    public void SerializeRestore_RoundTrip_SameVerdictsVotesAndOverrides()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);
        Observe(replica, 2, up: true, OtherCheck);
        Observe(replica, 0, up: true, "ünïcode check ✓");
        Override(replica, 4, GroupStatus.Disabled);
        Override(replica, 6, GroupStatus.Draining);
        var restored = new HealthReplica(3);
        var restoredChanges = 0;
        restored.Changed += () => restoredChanges++;

        restored.Restore(replica.Serialize());

        foreach (var check in new[] { Check, OtherCheck, "ünïcode check ✓", "never reported" })
        {
            Assert.Equal(replica.Verdict(check), restored.Verdict(check));
            Assert.Equal(replica.Votes(check), restored.Votes(check));
        }

        Assert.Equal(replica.Overrides(), restored.Overrides());
        Assert.Equal(replica.Serialize(), restored.Serialize());
        Assert.Equal(1, restoredChanges);
    }

    [Fact]
    public void Restore_ReplicaWithState_ReplacesIt()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: true);
        var other = new HealthReplica(3);
        Observe(other, 0, up: false, OtherCheck);
        Observe(other, 1, up: false, OtherCheck);
        Override(other, 9, GroupStatus.Disabled);

        other.Restore(replica.Serialize());

        Assert.Null(other.Verdict(OtherCheck));
        Assert.True(other.Verdict(Check));
        Assert.Empty(other.Overrides());
    }

    [Fact]
    public void Restore_ThenVotes_VerdictContinuesFromRestoredState()
    {
        var replica = NewReplica(3);
        Observe(replica, 0, up: false);
        Observe(replica, 1, up: false);
        var restored = new HealthReplica(3);
        restored.Restore(replica.Serialize());

        // One up vote of three is no majority: the restored down verdict holds, as it does on the original.
        Observe(restored, 0, up: true);
        Observe(replica, 0, up: true);

        Assert.False(restored.Verdict(Check));
        Assert.Equal(replica.Verdict(Check), restored.Verdict(Check));
    }

    /// <remarks>Health commands carry nothing from the leader: accepting one leaves it as proposed, and it applies as such.</remarks>
    [Fact]
    public void Stamp_HealthCommands_Accepted()
    {
        var leader = NewReplica(3);
        var observe = HealthCommand.Observe(0, Check, false);
        var @override = HealthCommand.Override(1, GroupStatus.Disabled);
        var observeStamped = observe.ToArray();
        var overrideStamped = @override.ToArray();

        var thrown = Record.Exception(() =>
        {
            leader.Stamp((int)HealthCommandKind.Observe, observeStamped);
            leader.Stamp((int)HealthCommandKind.Override, overrideStamped);
        });
        var follower = new HealthReplica(1);
        follower.Apply((int)HealthCommandKind.Observe, observeStamped);
        follower.Apply((int)HealthCommandKind.Override, overrideStamped);

        Assert.Null(thrown);
        Assert.Equal(observe, observeStamped);
        Assert.Equal(@override, overrideStamped);
        Assert.False(follower.Verdict(Check));
        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = GroupStatus.Disabled }, follower.Overrides());
        Assert.Equal(0, _changes);
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData((int)HealthCommandKind.Observe, 4)]
    [InlineData((int)HealthCommandKind.Override, 7)]
    public void Stamp_NotAHealthCommand_Throws(int commandId, int length) =>
        Assert.Throws<FormatException>(() => NewReplica(3).Stamp(commandId, new byte[length]));
}
