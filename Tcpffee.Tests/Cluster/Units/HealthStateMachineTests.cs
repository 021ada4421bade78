using Tcpffee.Cluster;
using Tcpffee.Model;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The replicated health verdict: a majority of all the proxies' observations, otherwise the previous verdict.</summary>
/// <remarks>A check's first verdict counts as a change: proxies route by their own observation until there is one.</remarks>
public sealed class HealthStateMachineTests
{
    private const string Check = "group 1 tcp 10.0.0.5:80";
    private const string OtherCheck = "group 2 http http://10.0.0.6/health";

    /// <summary>How many applied commands said they changed a verdict or an override.</summary>
    private int _changes;

    private static HealthStateMachine NewState(int nodes) => new(nodes);

    private void Observe(HealthStateMachine state, int node, bool up, string check = Check) =>
        _changes += state.Apply(HealthCommandKind.Observe, HealthCommand.Observe(node, check, up)) ? 1 : 0;

    private void Override(HealthStateMachine state, int groupId, GroupStatus status) =>
        _changes += state.Apply(HealthCommandKind.Override, HealthCommand.Override(groupId, status)) ? 1 : 0;

    [Fact]
    public void Verdict_NoObservation_Null()
    {
        var state = NewState(3);

        Assert.Null(state.Verdict(Check));
        Assert.Equal(new bool?[3], state.Votes(Check));
    }

    [Fact]
    public void Observe_FirstUpVote_UpAndChangedOnceForTheFirstVerdict()
    {
        var state = NewState(3);

        Observe(state, 0, up: true);

        Assert.True(state.Verdict(Check));
        Assert.Equal(new bool?[] { true, null, null }, state.Votes(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesOneDownVote_StaysUp()
    {
        var state = NewState(3);
        Observe(state, 0, up: true);
        Observe(state, 1, up: true);

        Observe(state, 2, up: false);

        Assert.True(state.Verdict(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesOneDownVoteOnly_StaysUp()
    {
        var state = NewState(3);

        Observe(state, 1, up: false);

        Assert.True(state.Verdict(Check));
        Assert.Equal(new bool?[] { null, false, null }, state.Votes(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesTwoDownVotes_Down()
    {
        var state = NewState(3);
        Observe(state, 0, up: true);
        Observe(state, 1, up: false);

        Observe(state, 2, up: false);

        Assert.False(state.Verdict(Check));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Observe_ThreeNodesDownThenOneUpVote_StaysDownUntilAMajorityIsUp()
    {
        var state = NewState(3);
        Observe(state, 0, up: false);
        Observe(state, 1, up: false);

        Observe(state, 0, up: true);
        var afterOne = state.Verdict(Check);
        Observe(state, 2, up: true);

        Assert.False(afterOne);
        Assert.True(state.Verdict(Check));
        Assert.Equal(3, _changes);
    }

    [Fact]
    public void Observe_TwoNodesTieAfterUp_KeepsUp()
    {
        var state = NewState(2);
        Observe(state, 0, up: true);

        Observe(state, 1, up: false);

        Assert.True(state.Verdict(Check));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_TwoNodesTieAfterDown_KeepsDown()
    {
        var state = NewState(2);
        Observe(state, 0, up: false);
        Observe(state, 1, up: false);
        Assert.False(state.Verdict(Check));

        Observe(state, 0, up: true);

        Assert.False(state.Verdict(Check));
        Assert.Equal(new bool?[] { true, false }, state.Votes(Check));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Observe_SingleNode_ItsOwnVoteDecides()
    {
        var state = NewState(1);

        Observe(state, 0, up: false);
        var down = state.Verdict(Check);
        Observe(state, 0, up: true);

        Assert.False(down);
        Assert.True(state.Verdict(Check));
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
        var state = NewState(3);
        Observe(state, 0, up: false);

        Observe(state, node, up: false);
        Observe(state, node, up: false);

        Assert.True(state.Verdict(Check));
        Assert.Equal(new bool?[] { false, null, null }, state.Votes(Check));
        Assert.Null(state.Verdict(OtherCheck));
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Observe_NodeIndexOutOfRangeForUnknownCheck_CheckNotCreated()
    {
        var state = NewState(3);

        Observe(state, 3, up: false, OtherCheck);

        Assert.Null(state.Verdict(OtherCheck));
    }

    [Fact]
    public void Observe_ChecksAreIndependent()
    {
        var state = NewState(3);

        Observe(state, 0, up: false);
        Observe(state, 1, up: false);
        Observe(state, 2, up: true, OtherCheck);

        Assert.False(state.Verdict(Check));
        Assert.True(state.Verdict(OtherCheck));
        Assert.Equal(new bool?[] { null, null, true }, state.Votes(OtherCheck));
    }

    [Fact]
    public void Observe_SameVoteRepeated_NoChangeReportedAgain()
    {
        var state = NewState(3);
        Observe(state, 0, up: false);
        Observe(state, 1, up: false);

        for (var i = 0; i < 5; i++)
        {
            Observe(state, 0, up: false);
            Observe(state, 2, up: false);
            Observe(state, 2, up: true);
        }

        Assert.False(state.Verdict(Check));
        Assert.Equal(2, _changes);
    }

    [Theory]
    [InlineData("Draining")]
    [InlineData("Disabled")]
    public void Override_NotUp_SetsIt(string statusName)
    {
        var status = Enum.Parse<GroupStatus>(statusName);
        var state = NewState(3);

        Override(state, 4, status);

        Assert.Equal(new Dictionary<int, GroupStatus> { [4] = status }, state.Overrides());
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Override_Up_ClearsIt()
    {
        var state = NewState(3);
        Override(state, 4, GroupStatus.Disabled);
        Override(state, 5, GroupStatus.Draining);

        Override(state, 4, GroupStatus.Up);

        Assert.Equal(new Dictionary<int, GroupStatus> { [5] = GroupStatus.Draining }, state.Overrides());
        Assert.Equal(3, _changes);
    }

    [Fact]
    public void Override_NoChange_NoChangeReported()
    {
        var state = NewState(3);

        Override(state, 4, GroupStatus.Up);
        Override(state, 5, GroupStatus.Disabled);
        Override(state, 5, GroupStatus.Disabled);

        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Override_ChangedFromDrainingToDisabled_ChangeReported()
    {
        var state = NewState(3);
        Override(state, 4, GroupStatus.Draining);

        Override(state, 4, GroupStatus.Disabled);

        Assert.Equal(GroupStatus.Disabled, state.Overrides()[4]);
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void Overrides_ReturnedCopy_NotChangedByLaterCommands()
    {
        var state = NewState(3);
        Override(state, 4, GroupStatus.Draining);
        var before = state.Overrides();

        Override(state, 4, GroupStatus.Up);

        Assert.Equal(GroupStatus.Draining, before[4]);
        Assert.Empty(state.Overrides());
    }

    [Fact]
    public void SerializeRestore_RoundTrip_SameVerdictsVotesAndOverrides()
    {
        var state = NewState(3);
        Observe(state, 0, up: false);
        Observe(state, 1, up: false);
        Observe(state, 2, up: true, OtherCheck);
        Observe(state, 0, up: true, "ünïcode check ✓");
        Override(state, 4, GroupStatus.Disabled);
        Override(state, 6, GroupStatus.Draining);
        var restored = new HealthStateMachine(3);

        restored.Restore(state.Serialize());

        foreach (var check in new[] { Check, OtherCheck, "ünïcode check ✓", "never reported" })
        {
            Assert.Equal(state.Verdict(check), restored.Verdict(check));
            Assert.Equal(state.Votes(check), restored.Votes(check));
        }

        Assert.Equal(state.Overrides(), restored.Overrides());
        Assert.Equal(state.Serialize(), restored.Serialize());
    }

    [Fact]
    public void Restore_StateWithContent_ReplacesIt()
    {
        var state = NewState(3);
        Observe(state, 0, up: true);
        var other = new HealthStateMachine(3);
        Observe(other, 0, up: false, OtherCheck);
        Observe(other, 1, up: false, OtherCheck);
        Override(other, 9, GroupStatus.Disabled);

        other.Restore(state.Serialize());

        Assert.Null(other.Verdict(OtherCheck));
        Assert.True(other.Verdict(Check));
        Assert.Empty(other.Overrides());
    }

    [Fact]
    public void Restore_ThenVotes_VerdictContinuesFromRestoredState()
    {
        var state = NewState(3);
        Observe(state, 0, up: false);
        Observe(state, 1, up: false);
        var restored = new HealthStateMachine(3);
        restored.Restore(state.Serialize());

        // One up vote of three is no majority: the restored down verdict holds, as it does on the original.
        Observe(restored, 0, up: true);
        Observe(state, 0, up: true);

        Assert.False(restored.Verdict(Check));
        Assert.Equal(state.Verdict(Check), restored.Verdict(Check));
    }
}
