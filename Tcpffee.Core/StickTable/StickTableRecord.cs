namespace Tcpffee.StickTable;

/// <summary>One entry read back from a saved stick table, with its absolute wall-clock expiry.</summary>
internal readonly record struct StickTableRecord(StickKey Key, int GroupId, DateTimeOffset ExpiresAt);
