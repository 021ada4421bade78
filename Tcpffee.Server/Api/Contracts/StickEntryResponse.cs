namespace Tcpffee.Api.Contracts;

/// <summary>One stick table entry.</summary>
/// <param name="Key">The key as used in <c>/api/v1/stick-table/{key}</c>: the client IP, then <c>|</c> and the slice, if any.</param>
/// <param name="Slice">The first-message slice as text when it is printable, else null.</param>
/// <param name="SliceHex">The slice in hex, when there is one.</param>
/// <param name="LastActivity">When its last connection closed; null while connections are open.</param>
/// <param name="ExpiresAt">When it expires; null while connections are open.</param>
public sealed record StickEntryResponse(
    string Key,
    string ClientIp,
    string? Slice,
    string? SliceHex,
    int Group,
    int OpenConnections,
    DateTimeOffset? LastActivity,
    DateTimeOffset? ExpiresAt);
