using System.Diagnostics;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Tcpffee.Cluster;

// Proposals: from this node to the leader through dotNext's message bus, and the leader's commit.
internal sealed partial class RaftGroup
{
    /// <summary>How long one attempt through the bus may take before it counts as failed.</summary>
    /// <remarks>A property: static fields of a partial class in other files are not initialized in a known order.</remarks>
    private static TimeSpan AttemptTimeout => RequestTimeout;

    /// <summary>The pause between attempts while there is no leader: an election takes a few hundred ms.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Commits a command through the leader, wherever it is, retrying across elections until <paramref name="timeout"/>.
    /// Returns <see cref="ProposalStatus.Retry"/> when no leader committed it in time (the majority is out of reach).
    /// Delivery is at least once (a lost answer means the command is sent again), and every command is idempotent.
    /// </summary>
    public async Task<ProposalResult> ProposeAsync(int commandId, byte[] payload, TimeSpan timeout, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var message = ProposalMessage.Request(commandId, payload);
        while (true)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            var result = await TryOnceAsync(message, left < AttemptTimeout ? left : AttemptTimeout, cancellation).ConfigureAwait(false);
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

            // The bus itself retries an unreachable leader without a pause; this loop waits out elections.
            await Task.Delay(RetryPause, _time, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<ProposalResult> TryOnceAsync(ProposalMessage message, TimeSpan attempt, CancellationToken cancellation)
    {
        if (_bus is not { } bus || attempt <= TimeSpan.Zero)
        {
            return ProposalResult.Retry;
        }

        if (!IsLeader)
        {
            _metrics.Forwarded(Name);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(attempt);
        try
        {
            return await bus.LeaderRouter.SendMessageAsync(message, ProposalMessage.ReadAnswerAsync, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellation.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // No leader (QuorumUnreachableException), a leader between its election and its first commit (503), the
            // attempt's time up: the answer may be lost, and the command will be sent again.
            LogAttemptFailed(Name, ex);
            return ProposalResult.Retry;
        }
    }

    /// <summary>On the leader: stamps the command with the leader's clock and settings, and commits it.</summary>
    internal async Task<ProposalResult> LeadAsync(int commandId, ReadOnlyMemory<byte> payload, CancellationToken cancellation)
    {
        var stamped = payload.ToArray();
        try
        {
            _state.Stamp(commandId, stamped);
        }
        catch (FormatException)
        {
            return ProposalResult.Rejected;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(AttemptTimeout);
            var entry = new BinaryLogEntry { Content = stamped, Term = Term, CommandId = commandId };
            await Cluster.ReplicateAsync(entry, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            // NotLeaderException is an InvalidOperationException: leadership moved between routing and commit.
            return ProposalResult.Retry;
        }

        return new ProposalResult(ProposalStatus.Committed, _state.ResultOf(commandId, stamped), AppliedIndex);
    }

    [LoggerMessage(EventId = 74, Level = LogLevel.Debug, Message = "Raft group {Group}: a proposal attempt failed; trying again")]
    private partial void LogAttemptFailed(string group, Exception exception);
}
