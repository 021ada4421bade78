namespace Tcpffee.Cluster;

/// <summary>A key's group chosen without the majority, and the group it moved the key from, to propose as the same move once the majority is back.</summary>
/// <param name="Replacing">The committed group the key was moved away from (disabled, gone or unreachable); null for a new key.</param>
internal readonly record struct ProvisionalAssignment(int GroupId, int? Replacing);
