using System.Diagnostics;
using System.Globalization;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>
/// Health by majority: a check is the same question on every proxy (group id and check index), each proxy votes with
/// its own observation, and the committed verdict is the majority of all the proxies.
/// </summary>
[Collection(ClusterCollections.Second)]
public sealed class ClusterHealthTests
{
    private const double IntervalSeconds = 0.3;
    private const string Up = "Up";
    private const string Draining = "Draining";

    [Fact]
    public async Task OneProxyObservingDown_IsOutvoted_AllObservingDown_DrainsTheGroupEverywhere()
    {
        // Node 1's check probes a closed port; nodes 2 and 3 probe group 0's live backend. Nothing else differs.
        var closedPort = FreePorts.Next();
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            Extra = (node, backends) => string.Create(CultureInfo.InvariantCulture, $"""
                [[groups.0.healthchecks]]
                interval = {IntervalSeconds}
                timeout = 0.2
                fall = 2
                rise = 2
                fall_action = "{Draining}"
                port = {(node == 0 ? closedPort : backends[0].EndPoint.Port)}
                """),
        });
        var outvoted = cluster.Members[0];

        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var views = await Task.WhenAll(cluster.Members.Select(m => m.GroupAsync(0)));
                last = Describe(cluster, views);
                return !views[0].HealthChecks.Single().Up
                    && views.All(v => v.HealthChecks.Single().Votes is [false, true, true]);
            },
            $"{outvoted.Name} observes group 0's check down and every node has the votes [down, up, up]",
            diagnostics: () => $"last seen:{Environment.NewLine}{last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure);

        // Outvoted for several intervals: group 0 stays up everywhere, node 1 included.
        var window = Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromSeconds(IntervalSeconds * 8))
        {
            var views = await Task.WhenAll(cluster.Members.Select(m => m.GroupAsync(0)));
            Assert.False(views[0].HealthChecks.Single().Up, $"{outvoted.Name}'s own check should stay down:{Environment.NewLine}{Describe(cluster, views)}");
            Assert.True(
                views.All(v => v.EffectiveState == Up && v.HealthState == Up && v.HealthChecks.Single().ClusterVerdict == true),
                $"{window.Elapsed.TotalMilliseconds:F0} ms into the window, group 0 is not up everywhere:{Environment.NewLine}{Describe(cluster, views)}{Environment.NewLine}{cluster.Logs()}");
            Assert.All(views, v => Assert.Equal("cluster majority", v.HealthDecidedBy));
            await Task.Delay(50);
        }

        // Now every proxy observes the backend down: the majority drains the group on every node.
        await cluster.Backends[0].DisposeAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                var views = await Task.WhenAll(cluster.Members.Select(m => m.GroupAsync(0)));
                last = Describe(cluster, views);
                return views.All(v => v.EffectiveState == Draining && v.HealthChecks.Single().ClusterVerdict == false);
            },
            "group 0 is draining on every node once all three observe its backend down",
            diagnostics: () => $"last seen:{Environment.NewLine}{last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure);
    }

    private static string Describe(TestCluster cluster, GroupStatusView[] views) =>
        string.Join(Environment.NewLine, views.Select((v, i) => $"{cluster.Members[i].Name}: {v}"));
}
