using Tcpffee.StickTable;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>
/// An in-memory stick table that can play a replicated table cut off from its majority: <see cref="AssignAsync"/>
/// answers <see cref="StickAssignmentStatus.Isolated"/> while <see cref="Isolated"/> is set. It records the calls the router makes.
/// </summary>
internal sealed class FakeStickTable : IStickLeases
{
    private readonly Dictionary<StickKey, (int GroupId, int Open)> _entries = [];

    /// <summary>Whether the table answers Isolated to every <see cref="AssignAsync"/>.</summary>
    public bool Isolated { get; set; } = true;

    /// <summary>The entry counts per group the router's least-loaded choice sees, instead of the real ones.</summary>
    public Dictionary<int, int> EntriesByGroup { get; } = [];

    /// <summary>When set, what <see cref="AssignIsolated"/> answers instead of assigning.</summary>
    public Func<StickKey, int, int?, StickAssignment>? IsolatedAnswer { get; set; }

    /// <summary>Assignments the leader already committed that this table's <see cref="Touch"/> does not see yet (a lagging replica).</summary>
    public Dictionary<StickKey, int> CommittedElsewhere { get; } = [];

    public List<(StickKey Key, int GroupId, int? Replacing)> AssignAsyncCalls { get; } = [];

    public List<(StickKey Key, int GroupId, int? Replacing)> AssignIsolatedCalls { get; } = [];

    public List<StickKey> Releases { get; } = [];

    public int Count => _entries.Count;

    /// <summary>Puts an entry in the table directly, with no open connection.</summary>
    public void Seed(StickKey key, int groupId) => _entries[key] = (groupId, 0);

    public int? Lookup(StickKey key) => _entries.TryGetValue(key, out var entry) ? entry.GroupId : null;

    public StickLease? TryOpen(StickKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        _entries[key] = (entry.GroupId, entry.Open + 1);
        return new StickLease(key, entry.GroupId, Release, Release);
    }

    private StickAssignment Assign(StickKey key, int groupId, int? replacing = null)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.GroupId != replacing)
        {
            _entries[key] = (entry.GroupId, entry.Open + 1);
            return new StickAssignment(entry.GroupId, StickAssignmentStatus.Existing, new StickLease(key, entry.GroupId, Release, Release));
        }

        var open = _entries.TryGetValue(key, out entry) ? entry.Open : 0;
        var status = _entries.ContainsKey(key) ? StickAssignmentStatus.Reassigned : StickAssignmentStatus.Assigned;
        _entries[key] = (groupId, open + 1);
        return new StickAssignment(groupId, status, new StickLease(key, groupId, Release, Release));
    }

    public ValueTask<StickAssignment> AssignAsync(StickKey key, int groupId, int? replacing = null)
    {
        AssignAsyncCalls.Add((key, groupId, replacing));
        if (!Isolated && CommittedElsewhere.Remove(key, out var committed) && committed != replacing)
        {
            _entries[key] = (committed, 1);
            return ValueTask.FromResult(new StickAssignment(committed, StickAssignmentStatus.Existing, new StickLease(key, committed, Release, Release)));
        }

        return ValueTask.FromResult(Isolated ? new StickAssignment(groupId, StickAssignmentStatus.Isolated) : Assign(key, groupId, replacing));
    }

    public StickAssignment AssignIsolated(StickKey key, int groupId, int? replacing = null)
    {
        AssignIsolatedCalls.Add((key, groupId, replacing));
        return IsolatedAnswer is { } answer ? answer(key, groupId, replacing) : Assign(key, groupId, replacing);
    }

    private void Release(StickKey key)
    {
        Releases.Add(key);
        if (_entries.TryGetValue(key, out var entry))
        {
            _entries[key] = (entry.GroupId, Math.Max(0, entry.Open - 1));
        }
    }

    public int CountForGroup(int groupId) => EntriesByGroup.GetValueOrDefault(groupId);
}
