namespace Tcpffee.StickTable;

/// <summary>The group a new connection should use, how the stick table arrived at it, and the connection's lease on the entry.</summary>
/// <param name="Lease">The hold to dispose at close; null when the table stored nothing (<see cref="StickAssignmentStatus.NotStored"/>, <see cref="StickAssignmentStatus.Isolated"/>).</param>
internal readonly record struct StickAssignment(int GroupId, StickAssignmentStatus Status, StickLease? Lease = null);
