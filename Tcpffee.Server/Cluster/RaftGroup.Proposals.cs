using System.Diagnostics;
using System.Net.Sockets;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Tcpffee.Cluster;

// Proposals: from this node to the leader, and the leader's side of the proposals socket.
internal sealed partial class RaftGroup
{
    /// <summary>How long one attempt to reach the leader may take before it counts as failed.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(1000);

    /// <summary>The pause between attempts while there is no leader: an election takes a few hundred ms.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Commits a command through the leader, wherever it is, retrying across elections until <paramref name="timeout"/>.
    /// Returns <see cref="ProposalStatus.Retry"/> when no leader committed it in time (the majority is out of reach).
    /// Commands are idempotent, so a retry after a lost answer does no harm.
    /// </summary>
    public async Task<ProposalResult> ProposeAsync(int commandId, byte[] payload, TimeSpan timeout, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var result = await TryOnceAsync(commandId, payload, cancellation).ConfigureAwait(false);
            if (result.Status != ProposalStatus.Retry)
            {
                _metrics.Committed(Name, Stopwatch.GetElapsedTime(started));
                return result;
            }

            if (Stopwatch.GetElapsedTime(started) + RetryPause > timeout)
            {
                _metrics.Rejected(Name);
                return result;
            }

            await Task.Delay(RetryPause, _time, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<ProposalResult> TryOnceAsync(int commandId, byte[] payload, CancellationToken cancellation)
    {
        if (IsLeader)
        {
            return await LeadAsync(commandId, payload, cancellation).ConfigureAwait(false);
        }

        if (Leader is not { } leader)
        {
            return ProposalResult.Retry;
        }

        _metrics.Forwarded(Name);
        return await SendAsync(leader, commandId, hops: 0, payload, cancellation).ConfigureAwait(false);
    }

    /// <summary>The proposals socket's handler: the leader commits; a follower forwards once to the leader it knows.</summary>
    private async Task<ProposalResult> HandleAsync(int commandId, byte hops, byte[] payload, CancellationToken cancellation)
    {
        if (IsLeader)
        {
            return await LeadAsync(commandId, payload, cancellation).ConfigureAwait(false);
        }

        if (hops > 0 || Leader is not { } leader)
        {
            // Never forward twice: two nodes that each think the other leads must not bounce a command forever.
            return ProposalResult.Retry;
        }

        _metrics.Forwarded(Name);
        return await SendAsync(leader, commandId, (byte)(hops + 1), payload, cancellation).ConfigureAwait(false);
    }

    private async Task<ProposalResult> LeadAsync(int commandId, byte[] payload, CancellationToken cancellation)
    {
        var stamped = payload.ToArray();
        _state.Stamp(commandId, stamped);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(AttemptTimeout);
            var entry = new BinaryLogEntry { Content = stamped, Term = Term, CommandId = commandId };
            await Cluster.ReplicateAsync(entry, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NotLeaderException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            return ProposalResult.Retry;
        }

        return new ProposalResult(ProposalStatus.Committed, _state.ResultOf(commandId, stamped), AppliedIndex);
    }

    private async Task<ProposalResult> SendAsync(System.Net.IPEndPoint leaderLogs, int commandId, byte hops, byte[] payload, CancellationToken cancellation)
    {
        var target = new System.Net.IPEndPoint(leaderLogs.Address, ProposalsPort);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(AttemptTimeout);
        Socket? socket = null;
        try
        {
            socket = await _pool.RentAsync(target, timeout.Token).ConfigureAwait(false);
            await ProposalWire.WriteRequestAsync(socket, commandId, hops, payload, timeout.Token).ConfigureAwait(false);
            var result = await ProposalWire.ReadResponseAsync(socket, timeout.Token).ConfigureAwait(false);
            _pool.Return(target, socket);
            return result;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            // The answer may be lost; the socket cannot be reused, and the command will be sent again.
            socket?.Dispose();
            return ProposalResult.Retry;
        }
    }
}
