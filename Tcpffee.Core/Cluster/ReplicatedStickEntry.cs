using Tcpffee.StickTable;

namespace Tcpffee.Cluster;

/// <summary>One committed stick table entry: its group and the leader's time of its last reported activity.</summary>
internal readonly record struct ReplicatedStickEntry(StickKey Key, int GroupId, long LastActiveMs);
