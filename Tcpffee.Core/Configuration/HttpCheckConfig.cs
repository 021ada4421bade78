using System.Collections.Immutable;

namespace Tcpffee.Configuration;

/// <summary>The HTTP part of a health check, present when any <c>http_*</c> key is set.</summary>
internal sealed record HttpCheckConfig(
    string Target,
    ImmutableArray<KeyValuePair<string, string>> Headers,
    HttpCheckMethod Method,
    string? Body,
    int Status)
{
    public const string DefaultTarget = "/";
    public const int DefaultStatus = 200;

    public bool Equals(HttpCheckConfig? other) =>
        other is not null && Target == other.Target && Method == other.Method && Body == other.Body
        && Status == other.Status && Headers.SequenceEqual(other.Headers);

    public override int GetHashCode() => HashCode.Combine(Target, Method, Body, Status, Headers.Length);
}
