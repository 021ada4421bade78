using System.Diagnostics.Metrics;
using Tcpffee.Health;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.StickTable;

namespace Tcpffee.Diagnostics;

/// <summary>Gauges read from the live state when scraped: open connections, stick entries, group and check states.</summary>
internal sealed class StateGauges
{
    public StateGauges(ProxyMetrics metrics, RoutingState routing, IStickTableAdmin table, HealthMonitor health, ConnectionTracker tracker)
    {
        var meter = metrics.Meter;
        meter.CreateObservableUpDownCounter("tcpffee.connections.open", () => PerGroup(routing, s => s.OpenConnections), "{connection}", "Client connections open now, by group");
        meter.CreateObservableUpDownCounter("tcpffee.connections.tracked", () => (long)tracker.Count, "{connection}", "Client connections open now, including those not yet forwarded");
        meter.CreateObservableCounter("tcpffee.connections", () => PerGroup(routing, s => s.TotalConnections), "{connection}", "Connections forwarded, by group");
        meter.CreateObservableUpDownCounter("tcpffee.stick_table.entries", () => PerGroup(routing, s => table.CountForGroup(s.Id)), "{entry}", "Live stick table entries, by group");
        meter.CreateObservableCounter("tcpffee.stick_table.evictions", () => table.Evictions, "{entry}", "Entries evicted to stay under stick_table_max_entries");
        meter.CreateObservableGauge("tcpffee.group.state", () => PerGroup(routing, s => (long)s.Effective), "{state}", "Effective state by group: 0 up, 1 draining, 2 disabled");
        meter.CreateObservableGauge("tcpffee.health.check.up", () => health.Checks.Select(c => new Measurement<long>(
            c.Status.Up ? 1 : 0,
            new KeyValuePair<string, object?>("group", c.Identity.GroupId),
            new KeyValuePair<string, object?>("check", c.Identity.Index),
            new KeyValuePair<string, object?>("kind", c.Kind))), "{check}", "1 when a health check is up, 0 when down");
    }

    private static IEnumerable<Measurement<long>> PerGroup(RoutingState routing, Func<GroupState, long> value) =>
        routing.Current.Config.Groups.Select(g =>
        {
            var state = routing.Groups.Get(g.Id);
            return new Measurement<long>(value(state), new KeyValuePair<string, object?>("group", g.Id));
        });
}
