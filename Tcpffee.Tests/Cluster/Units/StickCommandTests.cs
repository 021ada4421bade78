using System.Buffers.Binary;
using System.Net;
using Tcpffee.Cluster;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Encoding and decoding the replicated stick table's commands.</summary>
public sealed class StickCommandTests
{
    private static readonly StickKey V6Key = StickKey.FromAddress(IPAddress.Parse("2001:db8::7"), "session-42"u8);

    [Theory]
    [InlineData(3, null)]
    [InlineData(3, 0)]
    [InlineData(0, 5)]
    [InlineData(int.MaxValue, 2)]
    public void Assign_ReadBack_SameGroupReplacingAndKey(int groupId, int? replacing)
    {
        var command = StickCommand.Assign(V6Key, groupId, replacing);

        Assert.Equal(StickCommand.HeaderLength + 8 + V6Key.Bytes.Length, command.Length);
        Assert.Equal((groupId, replacing, V6Key), StickCommand.ReadAssign(command));
    }

    [Fact]
    public void Assign_Stamped_BodyUnchanged()
    {
        var command = Stamped(StickCommand.Assign(Key(9), 4, 1), 1_700_000_000_000, 30_000, 77);

        Assert.Equal((4, (int?)1, Key(9)), StickCommand.ReadAssign(command));
        Assert.Equal((1_700_000_000_000L, 30_000L, 77), StickCommand.ReadHeader(command));
    }

    [Fact]
    public void Forget_ReadBack_SameKey()
    {
        var command = StickCommand.Forget(V6Key);

        Assert.Equal(StickCommand.HeaderLength + V6Key.Bytes.Length, command.Length);
        Assert.Equal(V6Key, StickCommand.ReadForget(command));
    }

    [Fact]
    public void Expire_Encoded_HeaderOnly()
    {
        var command = StickCommand.Expire();

        Assert.Equal(StickCommand.HeaderLength, command.Length);
        Assert.Equal((0L, 0L, 0), StickCommand.ReadHeader(command));
    }

    [Fact]
    public void Touch_FewKeys_OneCommandWithEveryKeyInOrder()
    {
        StickKey[] keys = [Key(1), V6Key, SlicedKey(2, StickKey.MaxSliceLength), Key(3)];

        var command = Assert.Single(StickCommand.Touch(keys));

        Assert.Equal(keys, StickCommand.ReadTouch(command));
    }

    [Fact]
    public void Touch_NoKeys_NoCommand() => Assert.Empty(StickCommand.Touch([]));

    [Fact]
    public void Touch_OverMaxTouchLength_SplitsWithoutLosingAKey()
    {
        // Keys of 1029 bytes (1031 with their length): about 254 fit in one command.
        var keys = Enumerable.Range(0, 1000).Select(n => SlicedKey(n, StickKey.MaxSliceLength)).ToList();

        var commands = StickCommand.Touch(keys).ToList();

        Assert.True(commands.Count >= 4, $"{commands.Count} commands");
        Assert.All(commands, c => Assert.InRange(c.Length, StickCommand.HeaderLength + 1, StickCommand.MaxTouchLength));
        Assert.Equal(keys, commands.SelectMany(c => StickCommand.ReadTouch(c)));
    }

    [Fact]
    public void Touch_KeysExactlyFillingMaxTouchLength_OneFullCommandThenTheRest()
    {
        // 254 keys of 1029 bytes and one of 248 bytes take 254 * 1031 + 250 = MaxTouchLength - HeaderLength bytes.
        var keys = Enumerable.Range(0, 254).Select(n => SlicedKey(n, StickKey.MaxSliceLength)).ToList();
        keys.Add(SlicedKey(254, 243));
        keys.Add(Key(255));

        var commands = StickCommand.Touch(keys).ToList();

        Assert.Equal(2, commands.Count);
        Assert.Equal(StickCommand.MaxTouchLength, commands[0].Length);
        Assert.Equal(keys[..255], StickCommand.ReadTouch(commands[0]));
        Assert.Equal(new[] { Key(255) }, StickCommand.ReadTouch(commands[1]));
    }

    [Fact]
    public void Touch_Stamped_KeysUnchanged()
    {
        StickKey[] keys = [Key(1), Key(2)];
        var command = Stamped(Assert.Single(StickCommand.Touch(keys)), 5, 6, 7);

        Assert.Equal(keys, StickCommand.ReadTouch(command));
    }

    [Fact]
    public void Stamp_AnyCommand_WritesTimeExpirationAndMaxIntoHeader()
    {
        var command = StickCommand.Forget(V6Key);

        StickCommand.Stamp(command, 1_234_567_890_123, TimeSpan.FromMinutes(30), 250_000);

        Assert.Equal(1_234_567_890_123, BinaryPrimitives.ReadInt64LittleEndian(command));
        Assert.Equal(1_800_000, BinaryPrimitives.ReadInt64LittleEndian(command.AsSpan(8)));
        Assert.Equal(250_000, BinaryPrimitives.ReadInt32LittleEndian(command.AsSpan(16)));
        Assert.Equal((1_234_567_890_123L, 1_800_000L, 250_000), StickCommand.ReadHeader(command));
        Assert.Equal(V6Key, StickCommand.ReadForget(command));
    }

    [Fact]
    public void Stamp_Twice_LastStampWins()
    {
        var command = StickCommand.Expire();

        StickCommand.Stamp(command, 1, TimeSpan.FromSeconds(1), 1);
        StickCommand.Stamp(command, 2, TimeSpan.FromSeconds(2), 2);

        Assert.Equal((2L, 2000L, 2), StickCommand.ReadHeader(command));
    }
}
