using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>
/// What the stick table's Raft group replicates: the <see cref="StickStateMachine"/> every replica applies commands to,
/// and the leader-only part: the settings and clock it stamps into each command, and the group a proposer gets back.
/// </summary>
internal sealed class StickReplica(TimeSpan expiration, int maxEntries, TimeProvider time) : IReplicatedState
{
    // One object swapped whole, so a reader never sees a new expiration with an old bound.
    private Tuple<TimeSpan, int> _settings = Tuple.Create(expiration, maxEntries);

    public StickStateMachine State { get; } = new();

    public TimeSpan Expiration => Volatile.Read(ref _settings).Item1;

    public int MaxEntries => Volatile.Read(ref _settings).Item2;

    /// <summary>The leader's clock, in the unit commands carry.</summary>
    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A reload's new settings; they reach the replicas with the leader's next command.</summary>
    public void Configure(TimeSpan newExpiration, int newMaxEntries) => Volatile.Write(ref _settings, Tuple.Create(newExpiration, newMaxEntries));

    public void Apply(int commandId, ReadOnlySpan<byte> payload) => State.Apply((StickCommandKind)commandId, payload);

    public byte[] Serialize() => State.Serialize();

    public void Restore(ReadOnlySpan<byte> snapshot) => State.Restore(snapshot);

    public void Stamp(int commandId, Span<byte> payload)
    {
        if (!StickCommand.IsWellFormed((StickCommandKind)commandId, payload))
        {
            throw new FormatException($"Not a stick table command (id {commandId}, {payload.Length} bytes).");
        }

        var settings = Volatile.Read(ref _settings);
        StickCommand.Stamp(payload, NowMs, settings.Item1, settings.Item2);
    }

    public int ResultOf(int commandId, ReadOnlySpan<byte> payload) =>
        (StickCommandKind)commandId == StickCommandKind.Assign
            ? State.Lookup(StickCommand.ReadAssign(payload).Key) ?? -1
            : 0;
}
