using Tcpffee.Cluster;
using Tcpffee.Model;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The health group's adapter: it raises Changed when a command or a restore changes the committed state, and the leader refuses what is no health command.</summary>
public sealed class HealthReplicaTests
{
    private const string Check = "1/0";

    /// <summary>How many times the replica raised Changed.</summary>
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
    public void Apply_CommandThatChangesAVerdictOrOverride_ChangedRaisedOnce()
    {
        var replica = NewReplica(3);

        Observe(replica, 0, up: false);
        Observe(replica, 0, up: false);
        Override(replica, 4, GroupStatus.Draining);
        Override(replica, 4, GroupStatus.Draining);

        Assert.Equal(2, _changes);
        Assert.True(replica.Verdict(Check));
        Assert.Equal(new bool?[] { false, null, null }, replica.Votes(Check));
        Assert.Equal([Check], replica.Checks());
        Assert.Equal(GroupStatus.Draining, replica.Overrides()[4]);
    }

    [Fact]
    public void Restore_AnySnapshot_ChangedRaisedAndStateReplaced()
    {
        var source = new HealthReplica(3);
        Override(source, 1, GroupStatus.Disabled);
        var replica = NewReplica(3);
        Observe(replica, 0, up: true);
        _changes = 0;

        replica.Restore(source.Serialize());

        Assert.Equal(1, _changes);
        Assert.Empty(replica.Checks());
        Assert.Equal(source.Overrides(), replica.Overrides());
    }

    [Fact]
    public void ResultOf_AnyCommand_Zero() =>
        Assert.Equal(0, NewReplica(3).ResultOf((int)HealthCommandKind.Observe, HealthCommand.Observe(0, Check, up: true)));

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
