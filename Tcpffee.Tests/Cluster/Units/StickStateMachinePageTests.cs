using Tcpffee.Cluster;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The replicated table's pages in key order, kept by every command that adds, moves or removes an entry.</summary>
public sealed class StickStateMachinePageTests
{
    private const long T0 = 1_700_000_000_000;

    private readonly StickStateMachine _state = new();

    [Fact]
    public void Page_AfterAssignMoveForgetAndExpire_KeyOrderOverallAndByGroup()
    {
        foreach (int n in new[] { 5, 1, 4, 2, 3 })
        {
            _state.Assign(Key(n), n % 2, T0 + n);
        }

        _state.Assign(Key(4), 1, T0 + 10, replacing: 0);
        _state.Forget(Key(3), T0 + 11);

        Assert.Equal([Key(1), Key(2), Key(4), Key(5)], _state.Page(null, 0, 10).Entries.Select(e => e.Key));
        Assert.Equal([Key(4), Key(5)], _state.Page(1, 1, 10).Entries.Select(e => e.Key));
        Assert.Equal(3, _state.Page(1, 1, 10).Total);
        Assert.Equal([Key(2)], _state.Page(0, 0, 10).Entries.Select(e => e.Key));

        _state.Expire(T0 + ExpirationMs + 3);

        Assert.Equal([Key(4), Key(5)], _state.Page(null, 0, 10).Entries.Select(e => e.Key));
        Assert.Equal(0, _state.Page(0, 0, 10).Total);
    }

    [Fact]
    public void Page_AfterRestore_SameAsTheSerializedState()
    {
        for (int n = 0; n < 50; n++)
        {
            _state.Assign(Key(n * 7 % 50), n % 3, T0 + n);
        }

        var copy = new StickStateMachine();
        copy.Restore(_state.Serialize());

        Assert.Equal(_state.Page(null, 10, 20).Entries, copy.Page(null, 10, 20).Entries);
        Assert.Equal(_state.Page(2, 3, 5).Entries, copy.Page(2, 3, 5).Entries);
        Assert.Equal(50, copy.Page(null, 0, 1).Total);
    }
}
