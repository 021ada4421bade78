using System.Net;
using Tcpffee.Cluster;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Keys and stamped stick table commands for the cluster unit tests.</summary>
internal static class ClusterUnitKeys
{
    /// <summary>The expiration the helpers stamp unless told otherwise.</summary>
    public const long ExpirationMs = 60_000;

    /// <summary>The bound the helpers stamp unless told otherwise.</summary>
    public const int MaxEntries = 1000;

    /// <summary>A distinct IPv4 key per number, starting at 10.0.0.0.</summary>
    public static StickKey Key(int n) =>
        StickKey.FromAddress(new IPAddress([10, (byte)(n >> 16), (byte)(n >> 8), (byte)n]));

    /// <summary>A distinct IPv4 key per number carrying a slice of <paramref name="sliceLength"/> bytes.</summary>
    public static StickKey SlicedKey(int n, int sliceLength)
    {
        var slice = new byte[sliceLength];
        for (var i = 0; i < slice.Length; i++)
        {
            slice[i] = (byte)(n + i);
        }

        return StickKey.FromAddress(new IPAddress([10, (byte)(n >> 16), (byte)(n >> 8), (byte)n]), slice);
    }

    public static byte[] Stamped(byte[] command, long timeMs, long expirationMs = ExpirationMs, int maxEntries = MaxEntries)
    {
        StickCommand.Stamp(command, timeMs, TimeSpan.FromMilliseconds(expirationMs), maxEntries);
        return command;
    }

    public static void Assign(this StickStateMachine state, StickKey key, int groupId, long timeMs, int? replacing = null, long expirationMs = ExpirationMs) =>
        state.Apply(StickCommandKind.Assign, Stamped(StickCommand.Assign(key, groupId, replacing), timeMs, expirationMs));

    public static void Touch(this StickStateMachine state, long timeMs, params StickKey[] keys)
    {
        foreach (var command in StickCommand.Touch(keys))
        {
            state.Apply(StickCommandKind.Touch, Stamped(command, timeMs));
        }
    }

    public static void Forget(this StickStateMachine state, StickKey key, long timeMs) =>
        state.Apply(StickCommandKind.Forget, Stamped(StickCommand.Forget(key), timeMs));

    public static void Expire(this StickStateMachine state, long timeMs, long expirationMs = ExpirationMs, int maxEntries = MaxEntries) =>
        state.Apply(StickCommandKind.Expire, Stamped(StickCommand.Expire(), timeMs, expirationMs, maxEntries));

    /// <summary>The entries ordered by key bytes, for comparing two states.</summary>
    public static List<(string Key, int GroupId, long LastActiveMs)> Sorted(this StickStateMachine state) =>
        [.. state.Snapshot()
            .Select(e => (Convert.ToHexString(e.Key.Bytes), e.GroupId, e.LastActiveMs))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)];

    /// <summary>Asserts that CountForGroup agrees with a recount of the snapshot for every group seen.</summary>
    public static void AssertGroupCountsExact(this StickStateMachine state, IEnumerable<int> groups)
    {
        var snapshot = state.Snapshot();
        Assert.Equal(snapshot.Count, state.Count);
        foreach (var group in groups)
        {
            Assert.Equal(snapshot.Count(e => e.GroupId == group), state.CountForGroup(group));
        }
    }
}
