namespace Tcpffee.Cluster;

/// <summary>The data behind one Raft group: what every replica applies, and what only the leader adds.</summary>
/// <remarks>
/// <see cref="StickReplica"/> and <see cref="HealthReplica"/> implement it as thin adapters: what every replica applies
/// is their pure state machine's (<see cref="StickStateMachine"/>, <see cref="HealthStateMachine"/> in Core), and only
/// the leader's stamp and the proposer's result are theirs.
/// </remarks>
internal interface IReplicatedState
{
    /// <summary>Applies one committed command, in log order, on every replica; must not read the local clock.</summary>
    void Apply(int commandId, ReadOnlySpan<byte> payload);

    /// <summary>Writes the whole state for a snapshot.</summary>
    byte[] Serialize();

    /// <summary>Replaces the state with a snapshot's.</summary>
    void Restore(ReadOnlySpan<byte> snapshot);

    /// <summary>On the leader, before replicating: writes the leader's time and settings into the command.</summary>
    void Stamp(int commandId, Span<byte> payload);

    /// <summary>On the leader, once the command is applied: the value the proposer gets back.</summary>
    int ResultOf(int commandId, ReadOnlySpan<byte> payload);
}
