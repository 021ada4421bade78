using Tcpffee.Cluster;
using Tcpffee.Model;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>
/// A command delivered twice, as dotNext's message bus may deliver it (at least once), leaves both state machines as
/// the first delivery did: every kind of command is idempotent.
/// </summary>
public sealed class ReplicatedCommandRedeliveryTests
{
    private const long T0 = 1_700_000_000_000;
    private const string Check = "1/0";

    public static TheoryData<string> StickCommands => ["Assign", "AssignReplacing", "Touch", "Forget", "Expire"];

    public static TheoryData<string> HealthCommands => ["Observe", "ObserveFirst", "Override", "OverrideUp"];

    [Theory]
    [MemberData(nameof(StickCommands))]
    public void Apply_StickCommandDeliveredTwice_StateAsAfterTheFirst(string command)
    {
        var state = new StickStateMachine();
        state.Assign(Key(1), 1, T0);
        state.Assign(Key(2), 2, T0);
        state.Assign(Key(3), 1, T0 + 50_000);
        state.Assign(Key(4), 2, T0 + 60_000);
        var (kind, payload) = command switch
        {
            "Assign" => (StickCommandKind.Assign, Stamped(StickCommand.Assign(Key(9), 2, null), T0 + 1_000)),
            "AssignReplacing" => (StickCommandKind.Assign, Stamped(StickCommand.Assign(Key(1), 2, replacing: 1), T0 + 1_000)),
            "Touch" => (StickCommandKind.Touch, Stamped(StickCommand.Touch([Key(1), Key(2)]).Single(), T0 + 5_000)),
            "Forget" => (StickCommandKind.Forget, Stamped(StickCommand.Forget(Key(2)), T0 + 1_000)),

            // Keys 1 and 2 expire; of 3 and 4, the bound of one keeps the more recent.
            _ => (StickCommandKind.Expire, Stamped(StickCommand.Expire(), T0 + ExpirationMs + 10, maxEntries: 1)),
        };
        var before = state.Serialize();

        state.Apply(kind, payload);
        var once = state.Serialize();
        var countsOnce = (state.Count, state.CountForGroup(1), state.CountForGroup(2));
        state.Apply(kind, payload);

        Assert.NotEqual(before, once);
        Assert.Equal(once, state.Serialize());
        Assert.Equal(countsOnce, (state.Count, state.CountForGroup(1), state.CountForGroup(2)));
    }

    [Theory]
    [MemberData(nameof(HealthCommands))]
    public void Apply_HealthCommandDeliveredTwice_StateAsAfterTheFirst(string command)
    {
        var state = new HealthStateMachine(3);
        state.Apply(HealthCommandKind.Observe, HealthCommand.Observe(0, Check, up: false));
        state.Apply(HealthCommandKind.Override, HealthCommand.Override(5, GroupStatus.Draining));
        var (kind, payload) = command switch
        {
            // The second down vote of three turns the verdict down.
            "Observe" => (HealthCommandKind.Observe, HealthCommand.Observe(1, Check, up: false)),
            "ObserveFirst" => (HealthCommandKind.Observe, HealthCommand.Observe(2, "2/0", up: true)),
            "Override" => (HealthCommandKind.Override, HealthCommand.Override(4, GroupStatus.Disabled)),
            _ => (HealthCommandKind.Override, HealthCommand.Override(5, GroupStatus.Up)),
        };
        var before = state.Serialize();

        Assert.True(state.Apply(kind, payload));
        var once = state.Serialize();
        var changedAgain = state.Apply(kind, payload);

        Assert.NotEqual(before, once);
        Assert.Equal(once, state.Serialize());
        Assert.False(changedAgain);
    }
}
