namespace Tcpffee.StickTable;

/// <summary>A point-in-time copy of one stick table entry; <c>ExpiresAt</c> is null while connections are open.</summary>
internal readonly record struct StickEntrySnapshot(StickKey Key, int GroupId, int OpenConnections, DateTimeOffset? ExpiresAt);
