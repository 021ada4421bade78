namespace Tcpffee.Api.Contracts;

/// <summary>One Raft group as this proxy sees it.</summary>
/// <param name="Name"><c>healthchecks</c> or <c>stick_table</c>.</param>
/// <param name="Leader">The leader's Raft endpoint, or null during an election or without a majority.</param>
/// <param name="IsLeader">Whether this proxy leads the group.</param>
/// <param name="Term">The current Raft term.</param>
/// <param name="CommitIndex">The index of the last committed log entry.</param>
/// <param name="AppliedIndex">The index of the last entry applied to this proxy's replica.</param>
/// <param name="Fallback">Whether this proxy is deciding for this group without the majority.</param>
public sealed record RaftGroupResponse(string Name, string? Leader, bool IsLeader, long Term, long CommitIndex, long AppliedIndex, bool Fallback);
