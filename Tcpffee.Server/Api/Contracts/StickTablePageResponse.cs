namespace Tcpffee.Api.Contracts;

/// <summary>A page of the stick table, ordered by key.</summary>
public sealed record StickTablePageResponse(int Total, int Offset, int Limit, IReadOnlyList<StickEntryResponse> Entries);
