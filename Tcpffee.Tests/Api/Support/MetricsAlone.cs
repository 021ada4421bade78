namespace Tcpffee.Tests.Api.Support;

/// <summary>
/// Tests that scrape <c>/metrics</c> run alone, after every parallel test: the OpenTelemetry meter provider of a host
/// listens to every meter named <c>Tcpffee</c> in the process, so while other proxies run in the same test process their
/// counters and gauges (same names, same group ids) would be mixed into the scrape. In production one process runs one host.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsAlone
{
    public const string Name = "Scrapes of /metrics, alone in the process";
}
