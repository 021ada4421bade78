namespace Tcpffee.Api.Contracts;

/// <summary>A listening port and the backend a group forwards it to.</summary>
public sealed record PortmapEntryResponse(int Port, string Backend);
