namespace Tcpffee.Api.Contracts;

/// <summary>Connection and byte totals since start.</summary>
public sealed record TotalsResponse(long OpenConnections, long Accepted, long Rejected, long BytesUp, long BytesDown);
