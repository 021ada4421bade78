using System.Diagnostics;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Tcpffee.Cluster;

/// <summary>
/// One Raft group's files under the data directory: its state machine's snapshot in <c>sm/</c> and its write-ahead log
/// in <c>wal/</c>. Opening replays the committed entries into the state; a data directory of an earlier release opens
/// the same way (the release fixture test holds every build to that).
/// </summary>
internal sealed class RaftStorage : IAsyncDisposable
{
    /// <summary>Entries between snapshots: rare, because of the WAL fault in dotNext 6.12.0 (see the README).</summary>
    private const long SnapshotEvery = 1_000_000;

    private const int ChunkSize = 1024 * 1024;

    private readonly ReplicatedStateMachine _machine;

    private RaftStorage(ReplicatedStateMachine machine, WriteAheadLog log)
    {
        _machine = machine;
        Log = log;
    }

    public WriteAheadLog Log { get; }

    /// <summary>Opens (or creates) the files in <paramref name="directory"/> over <paramref name="state"/>.</summary>
    /// <param name="group">Tags the log's meters (<c>raft.group</c>): both groups' logs share dotNext's instruments.</param>
    public static async Task<RaftStorage> OpenAsync(string directory, string group, IReplicatedState state, CancellationToken cancellation)
    {
        var machine = new ReplicatedStateMachine(Directory.CreateDirectory(Path.Combine(directory, "sm")), state, SnapshotEvery);

        // The snapshot must be loaded before the log opens: the log starts replaying from it at once.
        await machine.RestoreAsync(cancellation).ConfigureAwait(false);
        var options = new WriteAheadLog.Options
        {
            Location = Path.Combine(directory, "wal"),
            ChunkSize = ChunkSize,
            MeasurementTags = new TagList { { "raft.group", group } },
        };
        var log = new WriteAheadLog(options, machine);
        return new RaftStorage(machine, log);
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync().ConfigureAwait(false);
        await _machine.DisposeAsync().ConfigureAwait(false);
    }
}
