using System.Text;
using Tcpffee.Model;

namespace Tcpffee.Cluster;

// The snapshot: every check's votes and verdict and every override, written with the serializer both state machines share.
internal sealed partial class HealthStateMachine
{
    /// <summary>A vote in the snapshot: down, up, or none (this proxy has not reported the check).</summary>
    private const byte VoteDown = 0, VoteUp = 1, NoVote = 0xff;

    /// <summary>
    /// Writes i32 count, then (check identity, u8 verdict, i32 votes, u8 vote*)*, then i32 count, (i32 group, i32 status)*.
    /// </summary>
    /// <remarks>
    /// The first release wrote the check as a <see cref="BinaryWriter"/> string and no count of votes; this one writes it
    /// as the stick keys are, and the count, so a snapshot restores into a cluster of another size.
    /// </remarks>
    public byte[] Serialize()
    {
        var writer = new ReplicaSnapshotWriter();
        lock (_lock)
        {
            writer.WriteInt32(_checks.Count);
            foreach (var (check, state) in _checks)
            {
                writer.WriteBytes(Encoding.UTF8.GetBytes(check));
                writer.WriteByte(state.Up ? VoteUp : VoteDown);
                writer.WriteInt32(state.Votes.Length);
                foreach (var vote in state.Votes)
                {
                    writer.WriteByte(vote is null ? NoVote : vote.Value ? VoteUp : VoteDown);
                }
            }

            writer.WriteInt32(_overrides.Count);
            foreach (var (group, status) in _overrides)
            {
                writer.WriteInt32(group);
                writer.WriteInt32((int)status);
            }
        }

        return writer.ToArray();
    }

    /// <summary>Replaces the state with a snapshot's, of this release or of the first one.</summary>
    /// <remarks>Votes of proxies past this cluster's size are dropped; those it lacks are none.</remarks>
    /// <exception cref="FormatException">The snapshot is malformed; the state is left as it was.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        var reader = new ReplicaSnapshotReader(snapshot);
        var checks = new Dictionary<string, (bool?[] Votes, bool Up)>();
        for (var count = reader.ReadCount(2); count > 0; count--)
        {
            var check = reader.Format == 1 ? reader.ReadFormat1String() : Encoding.UTF8.GetString(reader.ReadBytes());
            var up = reader.ReadByte() == VoteUp;
            var written = reader.Format == 1 ? nodes : reader.ReadCount(1);
            var votes = new bool?[nodes];
            for (var i = 0; i < written; i++)
            {
                var vote = reader.ReadByte();
                if (i < nodes)
                {
                    votes[i] = vote is VoteUp or VoteDown ? vote == VoteUp : null;
                }
            }

            checks[check] = (votes, up);
        }

        var overrides = new Dictionary<int, GroupStatus>();
        for (var count = reader.ReadCount(8); count > 0; count--)
        {
            var group = reader.ReadInt32();
            overrides[group] = (GroupStatus)reader.ReadInt32();
        }

        reader.EnsureAtEnd();
        lock (_lock)
        {
            _checks.Clear();
            _overrides.Clear();
            foreach (var (check, state) in checks)
            {
                _checks[check] = state;
            }

            foreach (var (group, status) in overrides)
            {
                _overrides[group] = status;
            }
        }
    }
}
