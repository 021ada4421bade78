using Tcpffee.Cluster;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>A redispatch is the compare-and-set "move K from G to H if K is still on G": idempotent, and the first of racing moves wins.</summary>
public sealed class StickStateMachineMoveTests
{
    private const long T0 = 1_700_000_000_000;

    private readonly StickStateMachine _state = new();

    [Fact]
    public void Move_AppliedTwice_SecondHasNoFurtherEffect()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(1), 2, T0 + 1_000, replacing: 1);
        var once = (_state.Find(Key(1)), _state.Count, _state.CountForGroup(1), _state.CountForGroup(2));

        _state.Assign(Key(1), 2, T0 + 1_000, replacing: 1);

        Assert.Equal(once, (_state.Find(Key(1)), _state.Count, _state.CountForGroup(1), _state.CountForGroup(2)));
        Assert.Equal(new ReplicatedStickEntry(Key(1), 2, T0 + 1_000), once.Item1);
    }

    [Fact]
    public void Move_OfAKeyAnotherProxyMovedFirst_LosesAndTheFirstMoveStands()
    {
        _state.Assign(Key(1), 1, T0);
        _state.Assign(Key(1), 2, T0 + 1_000, replacing: 1);

        // A second proxy saw group 1 fail too, and chose group 3; its command arrives after the first one committed.
        _state.Assign(Key(1), 3, T0 + 1_000, replacing: 1);

        Assert.Equal(2, _state.Lookup(Key(1)));
        Assert.Equal((0, 1, 0), (_state.CountForGroup(1), _state.CountForGroup(2), _state.CountForGroup(3)));
        Assert.Equal(1, _state.Count);
    }

    [Fact]
    public void Move_SameCommandsOnTwoReplicas_SameTable()
    {
        var other = new StickStateMachine();
        foreach (var state in new[] { _state, other })
        {
            state.Assign(Key(1), 1, T0);
            state.Assign(Key(1), 3, T0 + 500, replacing: 1);
            state.Assign(Key(1), 2, T0 + 600, replacing: 1);
            state.Assign(Key(1), 3, T0 + 700, replacing: 1);
        }

        Assert.Equal(_state.Snapshot(), other.Snapshot());
        Assert.Equal(3, other.Lookup(Key(1)));
    }
}
