namespace Tcpffee.StickTable;

/// <summary>The group a new connection should use and how the stick table arrived at it.</summary>
internal readonly record struct StickAssignment(int GroupId, StickAssignmentStatus Status);
