using System.Buffers.Binary;
using System.Text;
using Tcpffee.Model;

namespace Tcpffee.Cluster;

/// <summary>
/// The health group's Raft state: every proxy's latest observation of every check, the committed verdict per check
/// (a majority of all the proxies' observations; otherwise it keeps the previous verdict), and the operators' group overrides.
/// </summary>
/// <remarks>
/// Commands. Observe (1): i32 node, u8 up, UTF-8 check identity. Override (2): i32 group, i32 status (Up clears).
/// The snapshot is the same commands, one per line of state, so restoring is applying.
/// </remarks>
internal sealed class HealthReplica(int nodes) : IReplicatedState
{
    public const int Observe = 1;
    public const int Override = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (bool?[] Votes, bool Up)> _checks = [];
    private readonly Dictionary<int, GroupStatus> _overrides = [];

    /// <summary>Raised after a committed verdict or override changes, on the applying thread.</summary>
    public event Action? Changed;

    public static byte[] EncodeObserve(int node, string check, bool up)
    {
        var bytes = new byte[5 + Encoding.UTF8.GetByteCount(check)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, node);
        bytes[4] = up ? (byte)1 : (byte)0;
        Encoding.UTF8.GetBytes(check, bytes.AsSpan(5));
        return bytes;
    }

    public static byte[] EncodeOverride(int groupId, GroupStatus status)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, groupId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), (int)status);
        return bytes;
    }

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

    public void Apply(int commandId, ReadOnlySpan<byte> payload)
    {
        bool changed;
        lock (_lock)
        {
            changed = commandId switch
            {
                Observe when payload.Length >= 5 => ApplyObserve(
                    BinaryPrimitives.ReadInt32LittleEndian(payload), payload[4] == 1, Encoding.UTF8.GetString(payload[5..])),
                Override when payload.Length >= 8 => ApplyOverride(
                    BinaryPrimitives.ReadInt32LittleEndian(payload), (GroupStatus)BinaryPrimitives.ReadInt32LittleEndian(payload[4..])),
                _ => false,
            };
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    public byte[] Serialize()
    {
        lock (_lock)
        {
            var stream = new MemoryStream();
            var writer = new BinaryWriter(stream);
            writer.Write(_checks.Count);
            foreach (var (check, state) in _checks)
            {
                writer.Write(check);
                writer.Write(state.Up);
                foreach (var vote in state.Votes)
                {
                    writer.Write((sbyte)(vote is null ? -1 : vote.Value ? 1 : 0));
                }
            }

            writer.Write(_overrides.Count);
            foreach (var (group, status) in _overrides)
            {
                writer.Write(group);
                writer.Write((int)status);
            }

            return stream.ToArray();
        }
    }

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        lock (_lock)
        {
            _checks.Clear();
            _overrides.Clear();
            var reader = new BinaryReader(new MemoryStream(snapshot.ToArray()));
            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var check = reader.ReadString();
                var up = reader.ReadBoolean();
                var votes = new bool?[nodes];
                for (var i = 0; i < nodes; i++)
                {
                    var vote = reader.ReadSByte();
                    votes[i] = vote < 0 ? null : vote == 1;
                }

                _checks[check] = (votes, up);
            }

            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                _overrides[reader.ReadInt32()] = (GroupStatus)reader.ReadInt32();
            }
        }

        Changed?.Invoke();
    }

    public void Stamp(int commandId, Span<byte> payload)
    {
        if (commandId is not (Observe or Override) || payload.Length < 5)
        {
            throw new FormatException($"Not a health command (id {commandId}, {payload.Length} bytes).");
        }
    }

    public int ResultOf(int commandId, ReadOnlySpan<byte> payload) => 0;

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
