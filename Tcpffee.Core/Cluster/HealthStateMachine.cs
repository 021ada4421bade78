using Tcpffee.Model;

namespace Tcpffee.Cluster;

/// <summary>
/// The health every proxy of a cluster agrees on: the state machine's data. Every proxy's latest observation of every
/// check, the committed verdict per check (a majority of all the proxies' observations; otherwise it keeps the previous
/// verdict), and the operators' group overrides. It depends only on the commands applied, in their order.
/// </summary>
/// <remarks>
/// The split of the cluster's health: this type holds the committed state; <c>HealthReplica</c> is what the Raft group
/// replicates (this machine, and the notice of its changes); <c>ClusterHealth</c> proposes this proxy's observations
/// and the operators' overrides, and answers the router from the committed view.
/// </remarks>
/// <param name="nodes">The number of proxies in the cluster: one vote each.</param>
internal sealed partial class HealthStateMachine(int nodes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (bool?[] Votes, bool Up)> _checks = [];
    private readonly Dictionary<int, GroupStatus> _overrides = [];

    /// <summary>The committed verdict for a check, or null when no proxy has reported it.</summary>
    public bool? Verdict(string check)
    {
        lock (_lock)
        {
            return _checks.TryGetValue(check, out var state) ? state.Up : null;
        }
    }

    /// <summary>Every proxy's latest observation of a check, by peer index (null: not reported).</summary>
    public bool?[] Votes(string check)
    {
        lock (_lock)
        {
            return _checks.TryGetValue(check, out var state) ? [.. state.Votes] : new bool?[nodes];
        }
    }

    /// <summary>The identity of every check some proxy has reported, in ordinal order.</summary>
    public IReadOnlyList<string> Checks()
    {
        lock (_lock)
        {
            return [.. _checks.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public IReadOnlyDictionary<int, GroupStatus> Overrides()
    {
        lock (_lock)
        {
            return new Dictionary<int, GroupStatus>(_overrides);
        }
    }

    /// <summary>Applies one committed command; returns whether a verdict or an override changed.</summary>
    /// <remarks>A command too short for its kind, or of no kind, is skipped alike by every replica, so they stay identical.</remarks>
    public bool Apply(HealthCommandKind kind, ReadOnlySpan<byte> command)
    {
        if (!HealthCommand.IsWellFormed(kind, command))
        {
            return false;
        }

        lock (_lock)
        {
            if (kind == HealthCommandKind.Observe)
            {
                var (node, up, check) = HealthCommand.ReadObserve(command);
                return ApplyObserve(node, up, check);
            }

            var (groupId, status) = HealthCommand.ReadOverride(command);
            return ApplyOverride(groupId, status);
        }
    }

    private bool ApplyObserve(int node, bool up, string check)
    {
        if (node < 0 || node >= nodes)
        {
            return false;
        }

        var known = _checks.TryGetValue(check, out var state);
        if (!known)
        {
            // A check nobody has reported counts as up, as a check that has not run does on one proxy.
            state = (new bool?[nodes], true);
        }

        state.Votes[node] = up;
        var ups = state.Votes.Count(v => v == true);
        var downs = state.Votes.Count(v => v == false);

        // A majority of all the proxies, not of those that reported: one proxy's failing probe cannot decide alone.
        var verdict = ups * 2 > nodes || (downs * 2 <= nodes && state.Up);

        // A first verdict is a change too: until it, proxies route by their own observation of the check.
        var changed = verdict != state.Up || !known;
        _checks[check] = (state.Votes, verdict);
        return changed;
    }

    private bool ApplyOverride(int groupId, GroupStatus status)
    {
        var before = _overrides.GetValueOrDefault(groupId, GroupStatus.Up);
        if (status == GroupStatus.Up)
        {
            _overrides.Remove(groupId);
        }
        else
        {
            _overrides[groupId] = status;
        }

        return before != status;
    }
}
