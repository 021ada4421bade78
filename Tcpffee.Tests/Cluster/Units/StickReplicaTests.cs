using Microsoft.Extensions.Time.Testing;
using Tcpffee.Cluster;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The stick table's Raft state: the leader stamps its clock and settings; every replica applies them.</summary>
public sealed class StickReplicaTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private StickReplica NewReplica() => new(TimeSpan.FromMinutes(30), 500, _time);

    [Fact]
    public void Stamp_Command_WritesLeaderClockAndSettings()
    {
        var replica = NewReplica();
        _time.Advance(TimeSpan.FromSeconds(3));
        var command = StickCommand.Assign(Key(1), 2, null);

        replica.Stamp((int)StickCommandKind.Assign, command);

        Assert.Equal((Start.AddSeconds(3).ToUnixTimeMilliseconds(), 1_800_000L, 500), StickCommand.ReadHeader(command));
        Assert.Equal((2, (int?)null, Key(1)), StickCommand.ReadAssign(command));
    }

    [Fact]
    public void Stamp_AfterConfigure_NewSettings()
    {
        var replica = NewReplica();
        replica.Configure(TimeSpan.FromSeconds(90), 7);
        var command = StickCommand.Expire();

        replica.Stamp((int)StickCommandKind.Expire, command);

        Assert.Equal((Start.ToUnixTimeMilliseconds(), 90_000L, 7), StickCommand.ReadHeader(command));
        Assert.Equal((TimeSpan.FromSeconds(90), 7), (replica.Expiration, replica.MaxEntries));
    }

    [Theory]
    [InlineData(0, StickCommand.HeaderLength)]
    [InlineData(5, StickCommand.HeaderLength)]
    [InlineData((int)StickCommandKind.Assign, StickCommand.HeaderLength - 1)]
    [InlineData((int)StickCommandKind.Expire, 0)]
    public void Stamp_NotAStickCommand_Throws(int commandId, int length) =>
        Assert.Throws<FormatException>(() => NewReplica().Stamp(commandId, new byte[length]));

    [Fact]
    public void ResultOf_Assign_CommittedGroupOfTheKey()
    {
        var replica = NewReplica();
        var first = StickCommand.Assign(Key(1), 2, null);
        var second = StickCommand.Assign(Key(1), 3, null);
        replica.Stamp((int)StickCommandKind.Assign, first);
        replica.Apply((int)StickCommandKind.Assign, first);
        replica.Stamp((int)StickCommandKind.Assign, second);
        replica.Apply((int)StickCommandKind.Assign, second);

        Assert.Equal(2, replica.ResultOf((int)StickCommandKind.Assign, second));
        Assert.Equal(-1, replica.ResultOf((int)StickCommandKind.Assign, StickCommand.Assign(Key(9), 3, null)));
        Assert.Equal(0, replica.ResultOf((int)StickCommandKind.Expire, StickCommand.Expire()));
    }

    [Fact]
    public void Apply_OnReplicaWithOtherClockAndSettings_UsesTheStampedOnes()
    {
        var leader = NewReplica();
        var follower = new StickReplica(TimeSpan.FromSeconds(1), 1, new FakeTimeProvider(Start.AddDays(365)));
        var commands = new List<(StickCommandKind Kind, byte[] Payload)>();
        for (var i = 0; i < 5; i++)
        {
            commands.Add((StickCommandKind.Assign, StickCommand.Assign(Key(i), i % 2, null)));
        }

        commands.Add((StickCommandKind.Expire, StickCommand.Expire()));

        foreach (var (kind, payload) in commands)
        {
            leader.Stamp((int)kind, payload);
            _time.Advance(TimeSpan.FromSeconds(1));
            leader.Apply((int)kind, payload);
            follower.Apply((int)kind, payload);
        }

        Assert.Equal(5, follower.State.Count);
        Assert.Equal(leader.State.Sorted(), follower.State.Sorted());
        Assert.Equal(leader.Serialize(), follower.Serialize());
    }

    [Fact]
    public void SerializeRestore_RoundTrip_SameTable()
    {
        var replica = NewReplica();
        var command = StickCommand.Assign(Key(1), 4, null);
        replica.Stamp((int)StickCommandKind.Assign, command);
        replica.Apply((int)StickCommandKind.Assign, command);
        var restored = NewReplica();

        restored.Restore(replica.Serialize());

        Assert.Equal(replica.State.Sorted(), restored.State.Sorted());
        Assert.Equal(1, restored.State.CountForGroup(4));
    }
}
