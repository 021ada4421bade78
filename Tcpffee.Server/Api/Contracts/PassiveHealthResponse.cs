namespace Tcpffee.Api.Contracts;

/// <summary>A group's passive health: what live traffic says of its backends.</summary>
/// <param name="Fall">The group's <c>passive_fall</c>; 0 means passive health is off.</param>
/// <param name="Failing">Whether consecutive connect failures made the group count as failing (Draining).</param>
/// <param name="ConsecutiveFailures">Connects in a row that failed.</param>
/// <param name="RetryAt">While failing, when the group is next offered to a connection; null when it is offered now, or not failing.</param>
public sealed record PassiveHealthResponse(int Fall, bool Failing, int ConsecutiveFailures, DateTimeOffset? RetryAt);
