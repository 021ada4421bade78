using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

// The once-a-second work: activity reports, proposing what was assigned without the majority, and the leader's expiry.
internal sealed partial class ClusterStickTable
{
    /// <summary>How long a background proposal may wait; the next round tries again.</summary>
    private static readonly TimeSpan BackgroundTimeout = TimeSpan.FromSeconds(1);

    public async Task RunAsync(TimeProvider time, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(_timings.ReportInterval, time);
        while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
        {
            try
            {
                await ReportActivityAsync(cancellation).ConfigureAwait(false);
                await ProposeProvisionalAsync(cancellation).ConfigureAwait(false);
                await ExpireAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoundFailed(ex.Message);
            }
        }
    }

    /// <summary>Keys with activity since the last report, and every key with a served connection open here, as Touch commands.</summary>
    private async Task ReportActivityAsync(CancellationToken cancellation)
    {
        var keys = new HashSet<StickKey>(_serving.Keys);
        foreach (var key in _active.Keys)
        {
            _active.TryRemove(key, out _);
            keys.Add(key);
        }

        keys.RemoveWhere(_provisional.ContainsKey);
        foreach (var command in StickCommand.Touch(keys))
        {
            var result = await ProposeInBackgroundAsync(StickCommandKind.Touch, command, cancellation).ConfigureAwait(false);
            if (result.Status != ProposalStatus.Committed)
            {
                // Kept for the next round: activity seen without the majority must still count once it is back.
                foreach (var key in keys)
                {
                    _active[key] = 0;
                }

                return;
            }
        }
    }

    /// <summary>Proposes the keys assigned without the majority; the first committed assignment of each key wins.</summary>
    private async Task ProposeProvisionalAsync(CancellationToken cancellation)
    {
        if (_provisional.IsEmpty && (_isolated || _group.Leader is null))
        {
            // Nothing to reconcile, but no leader in sight: probe the majority with a command that changes nothing
            // unless the leader's clock says so. Finding out here spares the next new client the wait.
            await ProposeInBackgroundAsync(StickCommandKind.Expire, StickCommand.Expire(), cancellation).ConfigureAwait(false);
        }

        foreach (var (key, (group, replacing)) in _provisional)
        {
            // A move is proposed as the same compare-and-set: it applies only if the key is still on the group it left.
            var result = await ProposeInBackgroundAsync(StickCommandKind.Assign, StickCommand.Assign(key, group, replacing), cancellation)
                .ConfigureAwait(false);
            if (result.Status != ProposalStatus.Committed)
            {
                return;
            }

            if (result.Value != group)
            {
                LogProvisionalLost(key, group, result.Value);
            }

            Committed(key, result);
        }
    }

    /// <summary>On the leader: entries idle past the expiration by the leader's clock go, and the table is trimmed to its bound.</summary>
    private async Task ExpireAsync(CancellationToken cancellation)
    {
        if (_group.IsLeader && _replica.State.HasExpiredOrExcess(_replica.NowMs, _replica.Expiration, _replica.MaxEntries))
        {
            await ProposeInBackgroundAsync(StickCommandKind.Expire, StickCommand.Expire(), cancellation).ConfigureAwait(false);
        }
    }

    private async Task<ProposalResult> ProposeInBackgroundAsync(StickCommandKind kind, byte[] command, CancellationToken cancellation)
    {
        var result = await _group.ProposeAsync((int)kind, command, BackgroundTimeout, cancellation).ConfigureAwait(false);
        if (result.Status == ProposalStatus.Committed)
        {
            LeaveIsolation();
        }
        else
        {
            EnterIsolation();
        }

        return result;
    }

    private void EnterIsolation()
    {
        if (!_isolated)
        {
            _isolated = true;
            LogIsolated(_group.OutOfReachLevel, _group.Name);
        }
    }

    private void LeaveIsolation()
    {
        if (_isolated)
        {
            _isolated = false;
            LogRejoined(_group.Name, _provisional.Count);
        }
    }

    [LoggerMessage(EventId = 63, Message = "Raft group {Group}: the majority is out of reach; new clients are assigned by rendezvous hash until it is back")]
    private partial void LogIsolated(LogLevel level, string group);

    [LoggerMessage(EventId = 64, Level = LogLevel.Information, Message = "Raft group {Group}: the majority is back; proposing {Count} assignments made without it")]
    private partial void LogRejoined(string group, int count);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "Key {Key} was assigned to group {Mine} without the majority, but group {Committed} was committed first; new connections follow the committed group")]
    private partial void LogProvisionalLost(StickKey key, int mine, int committed);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "Stick table report round failed: {Reason}")]
    private partial void LogRoundFailed(string reason);
}
