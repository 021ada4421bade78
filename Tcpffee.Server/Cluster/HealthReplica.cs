using Tcpffee.Model;

namespace Tcpffee.Cluster;

/// <summary>
/// What the health Raft group replicates: the <see cref="HealthStateMachine"/> every replica applies commands to, and
/// the notice of its changes. The leader adds nothing to a health command; it only refuses one that is not.
/// </summary>
/// <remarks>The committed view is read here, by <see cref="ClusterHealth"/> and the API alike.</remarks>
internal sealed class HealthReplica(int nodes) : IReplicatedState
{
    private readonly HealthStateMachine _state = new(nodes);

    /// <summary>Raised after a committed verdict or override changes, and after a restore, on the applying thread.</summary>
    public event Action? Changed;

    /// <inheritdoc cref="HealthStateMachine.Verdict"/>
    public bool? Verdict(string check) => _state.Verdict(check);

    /// <inheritdoc cref="HealthStateMachine.Votes"/>
    public bool?[] Votes(string check) => _state.Votes(check);

    /// <inheritdoc cref="HealthStateMachine.Checks"/>
    public IReadOnlyList<string> Checks() => _state.Checks();

    public IReadOnlyDictionary<int, GroupStatus> Overrides() => _state.Overrides();

    public void Apply(int commandId, ReadOnlySpan<byte> payload)
    {
        if (_state.Apply((HealthCommandKind)commandId, payload))
        {
            Changed?.Invoke();
        }
    }

    public byte[] Serialize() => _state.Serialize();

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        _state.Restore(snapshot);
        Changed?.Invoke();
    }

    public void Stamp(int commandId, Span<byte> payload)
    {
        if (!HealthCommand.IsWellFormed((HealthCommandKind)commandId, payload))
        {
            throw new FormatException($"Not a health command (id {commandId}, {payload.Length} bytes).");
        }
    }

    public int ResultOf(int commandId, ReadOnlySpan<byte> payload) => 0;
}
