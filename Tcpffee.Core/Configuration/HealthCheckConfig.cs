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
    /// <summary>Whether probes send the group's PROXY header too (off by default: most backends' health endpoints do not expect one).</summary>
    public bool SendProxyChecks { get; init; }

    public const int DefaultFall = 3;
    public const int DefaultRise = 5;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
}
