using System.Buffers.Binary;
using Tcpffee.Cluster;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Replicas that apply the same commands in the same order end with the same table.</summary>
public sealed class StickStateMachineDeterminismTests
{
    private const long T0 = 1_700_000_000_000;
    private const int Groups = 4;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2024)]
    public void Apply_SameSeededSequenceOnTwoFreshStates_SameSnapshot(int seed)
    {
        var commands = RandomCommands(seed, 2_000);
        var first = new StickStateMachine();
        var second = new StickStateMachine();

        foreach (var (kind, payload) in commands)
        {
            first.Apply(kind, payload);
        }

        foreach (var (kind, payload) in commands)
        {
            second.Apply(kind, payload);
        }

        Assert.NotEmpty(first.Snapshot());
        Assert.True(first.Evictions > 0, "the sequence should trim over the bound at least once");
        Assert.Equal(first.Sorted(), second.Sorted());
        Assert.Equal(first.Evictions, second.Evictions);
        Assert.All(Enumerable.Range(0, Groups), g => Assert.Equal(first.CountForGroup(g), second.CountForGroup(g)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void Apply_SeededSequence_GroupCountsExactAndHasExpiredOrExcessAgreesAtEveryStep(int seed)
    {
        var state = new StickStateMachine();

        foreach (var (kind, payload) in RandomCommands(seed, 1_500))
        {
            if (kind == StickCommandKind.Expire)
            {
                var (time, expirationMs, maxEntries) = StickCommand.ReadHeader(payload);
                var before = state.Count;
                var predicted = state.HasExpiredOrExcess(time, TimeSpan.FromMilliseconds(expirationMs), maxEntries);
                state.Apply(kind, payload);
                Assert.Equal(predicted, state.Count < before);
            }
            else
            {
                state.Apply(kind, payload);
            }

            state.AssertGroupCountsExact(Enumerable.Range(0, Groups));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(99)]
    public void Apply_ReplicaRestoredMidwayFromSnapshotInOtherOrder_SameTableAtEveryStep(int seed)
    {
        var commands = RandomCommands(seed, 2_000);
        var fresh = new StickStateMachine();
        foreach (var (kind, payload) in commands[..1_000])
        {
            fresh.Apply(kind, payload);
        }

        // A replica that joins from a snapshot holds the same entries in another dictionary order.
        var joined = new StickStateMachine();
        joined.Restore(ReverseEntries(fresh.Serialize()));
        Assert.Equal(fresh.Sorted(), joined.Sorted());

        // Evictions are a counter of this process, not part of the snapshot: compare what each counts from here on.
        var evictionsBefore = fresh.Evictions;
        foreach (var (kind, payload) in commands[1_000..])
        {
            fresh.Apply(kind, payload);
            joined.Apply(kind, payload);

            // At every step: a divergence could heal later, once the entries concerned expire.
            Assert.Equal(fresh.Sorted(), joined.Sorted());
        }

        Assert.Equal(fresh.Evictions - evictionsBefore, joined.Evictions);
        Assert.True(joined.Evictions > 0, "the sequence should trim over the bound after the restore");
        Assert.All(Enumerable.Range(0, Groups), g => Assert.Equal(fresh.CountForGroup(g), joined.CountForGroup(g)));
    }

    /// <summary>
    /// Assign, Touch, Forget and Expire over 60 keys, stamped by a leader whose clock mostly advances in whole seconds
    /// (so many entries share an activity time) and sometimes steps back, as after a change of leader.
    /// </summary>
    private static List<(StickCommandKind Kind, byte[] Payload)> RandomCommands(int seed, int count)
    {
        var random = new Random(seed);
        var commands = new List<(StickCommandKind, byte[])>(count);
        var time = T0;
        for (var i = 0; i < count; i++)
        {
            time += random.Next(20) switch
            {
                0 => -2_000,
                < 4 => 1_000,
                _ => 0,
            };
            var expirationMs = random.Next(20) == 0 ? 5_000 : 20_000;
            var maxEntries = random.Next(8, 40);
            var key = RandomKey(random);
            var (kind, command) = random.Next(100) switch
            {
                < 55 => (StickCommandKind.Assign, StickCommand.Assign(key, random.Next(Groups), random.Next(3) == 0 ? random.Next(Groups) : null)),
                < 75 => (StickCommandKind.Touch, Assert.Single(StickCommand.Touch(Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomKey(random))))),
                < 85 => (StickCommandKind.Forget, StickCommand.Forget(key)),
                _ => (StickCommandKind.Expire, StickCommand.Expire()),
            };
            commands.Add((kind, Stamped(command, time, expirationMs, maxEntries)));
        }

        return commands;
    }

    private static StickKey RandomKey(Random random)
    {
        var n = random.Next(60);
        return n % 5 == 0 ? SlicedKey(n, n % 3) : Key(n);
    }

    /// <summary>The same snapshot with its entries written in reverse order.</summary>
    private static byte[] ReverseEntries(byte[] snapshot)
    {
        // The format marker, the expiration, the count.
        const int header = 20;
        var count = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(header - 4));
        var entries = new List<byte[]>(count);
        var offset = header;
        for (var i = 0; i < count; i++)
        {
            var length = 14 + BinaryPrimitives.ReadUInt16LittleEndian(snapshot.AsSpan(offset + 12));
            entries.Add(snapshot[offset..(offset + length)]);
            offset += length;
        }

        Assert.Equal(snapshot.Length, offset);
        entries.Reverse();
        return [.. snapshot[..header], .. entries.SelectMany(e => e)];
    }
}
