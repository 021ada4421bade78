using System.Buffers;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Tcpffee.Cluster;

/// <summary>Adapts an <see cref="IReplicatedState"/> to dotNext's write-ahead log, with rare snapshots.</summary>
/// <remarks>
/// Snapshots are rare on purpose: in dotNext 6.12.0 a follower that receives several snapshot installs under load can
/// fault its WAL. Lagging followers catch up from the log instead.
/// </remarks>
internal sealed class ReplicatedStateMachine(DirectoryInfo location, IReplicatedState state, long snapshotEvery) : SimpleStateMachine(location)
{
    private long _sinceSnapshot;

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (!entry.TryGetPayload(out var payload))
        {
            // Not contiguous in memory: gather the segments.
            payload = new ReadOnlySequence<byte>(entry.GetPayload().SelectMany(m => m.ToArray()).ToArray());
        }

        if (!payload.IsEmpty && entry.CommandId is { } commandId)
        {
            if (payload.IsSingleSegment)
            {
                state.Apply(commandId, payload.FirstSpan);
            }
            else
            {
                state.Apply(commandId, payload.ToArray());
            }
        }

        var snapshot = ++_sinceSnapshot >= snapshotEvery;
        if (snapshot)
        {
            _sinceSnapshot = 0;
        }

        return ValueTask.FromResult(snapshot);
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token) =>
        writer.Invoke(state.Serialize(), token);

    protected override async ValueTask RestoreAsync(FileInfo snapshot, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshot.FullName, token).ConfigureAwait(false);
        state.Restore(bytes);
    }
}
