namespace Tcpffee.Configuration;

/// <summary>One <c>[[groups.N.healthchecks]]</c> entry; TCP when <see cref="Http"/> is null.</summary>
internal sealed record HealthCheckConfig(
    int Index,
    int Fall,
    FallAction FallAction,
    int Rise,
    TimeSpan Interval,
    TimeSpan Timeout,
    HttpCheckConfig? Http,
    int? Port)
{
    public const int DefaultFall = 3;
    public const int DefaultRise = 5;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
}
