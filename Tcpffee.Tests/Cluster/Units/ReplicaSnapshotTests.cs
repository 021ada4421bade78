using System.Net;
using Tcpffee.Cluster;
using Tcpffee.Model;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>
/// The snapshots of both state machines: this release's format round-trips, and a snapshot the first release wrote
/// (before the format marker) still restores, so a data directory with one opens after the upgrade.
/// </summary>
public sealed class ReplicaSnapshotTests
{
    private const long T0 = FirstReleaseSnapshots.T0;
    private const string StickFormat1 = FirstReleaseSnapshots.Stick;
    private const string HealthFormat1 = FirstReleaseSnapshots.Health;

    private static readonly byte[] CurrentMarker = BitConverter.GetBytes(-(long)ReplicaSnapshotReader.CurrentFormat);

    [Fact]
    public void Restore_StickSnapshotOfTheFirstRelease_SameEntries()
    {
        var state = new StickStateMachine();

        state.Restore(Convert.FromHexString(StickFormat1));

        var ipv6 = StickKey.FromAddress(IPAddress.Parse("2001:db8::7"));
        Assert.Equal(
            new[] { (Key(1), 3, T0), (StickKey.FromAddress(IPAddress.Parse("10.0.0.2"), [2, 3, 4]), 1, T0 + 1_000), (ipv6, 0, T0 + 2_000) }
                .Select(e => (Convert.ToHexString(e.Item1.Bytes), e.Item2, e.Item3))
                .OrderBy(e => e.Item1, StringComparer.Ordinal),
            state.Sorted());
        Assert.Equal((1, 1, 1), (state.CountForGroup(0), state.CountForGroup(1), state.CountForGroup(3)));

        // The restored expiration applies: 10.0.0.1 is idle 60 s at T0 + 60 s, the others are not.
        state.Expire(T0 + 60_000, expirationMs: 60_000);
        Assert.Null(state.Lookup(Key(1)));
        Assert.Equal(2, state.Count);
    }

    [Fact]
    public void Restore_HealthSnapshotOfTheFirstRelease_SameVotesVerdictsAndOverrides()
    {
        var state = new HealthStateMachine(3);

        state.Restore(Convert.FromHexString(HealthFormat1));

        Assert.Equal(["1/0", "2/1", "ünï ✓"], state.Checks());
        Assert.Equal("False: False, False, none", Describe(state, "1/0"));
        Assert.Equal("True: True, none, True", Describe(state, "2/1"));
        Assert.Equal("True: none, False, none", Describe(state, "ünï ✓"));
        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = GroupStatus.Disabled, [4] = GroupStatus.Draining }, state.Overrides());
    }

    [Theory]
    [InlineData("000000000000000000000000")]
    [InlineData("0000000000000000")]
    public void Restore_EmptySnapshotOfTheFirstRelease_Empty(string hex)
    {
        var isStick = hex.Length == 24;
        var stick = new StickStateMachine();
        var health = new HealthStateMachine(3);
        stick.Assign(Key(1), 1, T0);
        health.Apply(HealthCommandKind.Override, HealthCommand.Override(1, GroupStatus.Disabled));

        if (isStick)
        {
            stick.Restore(Convert.FromHexString(hex));
        }
        else
        {
            health.Restore(Convert.FromHexString(hex));
        }

        Assert.Equal(isStick, stick.Count == 0);
        Assert.Equal(isStick, health.Overrides().Count == 1);
    }

    [Fact]
    public void Serialize_FirstReleaseSnapshotsRestored_ThisFormatThatRestoresTheSame()
    {
        var stick = new StickStateMachine();
        var health = new HealthStateMachine(3);
        stick.Restore(Convert.FromHexString(StickFormat1));
        health.Restore(Convert.FromHexString(HealthFormat1));
        var stickAgain = new StickStateMachine();
        var healthAgain = new HealthStateMachine(3);

        stickAgain.Restore(stick.Serialize());
        healthAgain.Restore(health.Serialize());

        Assert.Equal(CurrentMarker, stick.Serialize()[..8]);
        Assert.Equal(CurrentMarker, health.Serialize()[..8]);
        Assert.Equal(stick.Sorted(), stickAgain.Sorted());
        Assert.Equal(stick.Serialize(), stickAgain.Serialize());
        Assert.Equal(health.Serialize(), healthAgain.Serialize());
        Assert.Equal(health.Checks().Select(c => Describe(health, c)), healthAgain.Checks().Select(c => Describe(healthAgain, c)));
    }

    [Fact]
    public void SerializeRestore_LongestCheckIdentity_RoundTrip()
    {
        var longest = new string('x', HealthCommand.MaxCheckLength);
        var state = new HealthStateMachine(3);
        state.Apply(HealthCommandKind.Observe, HealthCommand.Observe(0, longest, up: false));
        var restored = new HealthStateMachine(3);

        restored.Restore(state.Serialize());

        Assert.Equal([longest], restored.Checks());
        Assert.Equal(state.Votes(longest), restored.Votes(longest));
    }

    [Fact]
    public void Restore_HealthSnapshotOfAnotherClusterSize_VotesPastThisSizeDroppedMissingOnesNone()
    {
        var five = new HealthStateMachine(5);
        five.Apply(HealthCommandKind.Observe, HealthCommand.Observe(0, "1/0", up: false));
        five.Apply(HealthCommandKind.Observe, HealthCommand.Observe(4, "1/0", up: true));
        var three = new HealthStateMachine(3);
        var seven = new HealthStateMachine(7);

        three.Restore(five.Serialize());
        seven.Restore(five.Serialize());

        Assert.Equal(new bool?[] { false, null, null }, three.Votes("1/0"));
        Assert.Equal(new bool?[] { false, null, null, null, true, null, null }, seven.Votes("1/0"));
        Assert.Equal(five.Verdict("1/0"), three.Verdict("1/0"));
    }

    [Fact]
    public void Restore_FormatOfALaterRelease_ThrowsAndKeepsTheState()
    {
        var stick = new StickStateMachine();
        stick.Assign(Key(1), 1, T0);
        var later = stick.Serialize();
        BitConverter.GetBytes(-(long)(ReplicaSnapshotReader.CurrentFormat + 1)).CopyTo(later, 0);

        var thrown = Assert.Throws<FormatException>(() => stick.Restore(later));

        Assert.Contains($"format {ReplicaSnapshotReader.CurrentFormat + 1}", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, stick.Lookup(Key(1)));
    }

    /// <summary>Every snapshot cut short, or with a byte past its end, is refused whole: no replica half-restores.</summary>
    [Fact]
    public void Restore_TruncatedOrOverlong_ThrowsAndKeepsTheState()
    {
        var stick = new StickStateMachine();
        stick.Assign(Key(1), 1, T0);
        stick.Assign(SlicedKey(2, 4), 2, T0);
        var health = new HealthStateMachine(3);
        health.Apply(HealthCommandKind.Observe, HealthCommand.Observe(1, "1/0", up: false));
        health.Apply(HealthCommandKind.Override, HealthCommand.Override(2, GroupStatus.Draining));
        var stickSnapshot = stick.Serialize();
        var healthSnapshot = health.Serialize();
        var stickBefore = stick.Sorted();

        foreach (var bad in Cut(stickSnapshot).Concat(Cut(Convert.FromHexString(StickFormat1))))
        {
            Assert.Throws<FormatException>(() => stick.Restore(bad));
        }

        foreach (var bad in Cut(healthSnapshot).Concat(Cut(Convert.FromHexString(HealthFormat1))))
        {
            Assert.Throws<FormatException>(() => health.Restore(bad));
        }

        Assert.Equal(stickBefore, stick.Sorted());
        Assert.Equal(healthSnapshot, health.Serialize());
    }

    /// <summary>A check's verdict and votes, as the release fixture's state file writes them.</summary>
    private static string Describe(HealthStateMachine state, string check) =>
        $"{state.Verdict(check)}: {string.Join(", ", state.Votes(check).Select(v => v?.ToString() ?? "none"))}";

    private static IEnumerable<byte[]> Cut(byte[] snapshot)
    {
        for (var length = 0; length < snapshot.Length; length++)
        {
            yield return snapshot[..length];
        }

        yield return [.. snapshot, 0];
    }
}
