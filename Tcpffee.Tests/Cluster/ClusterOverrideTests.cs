using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>Drain, disable and enable through any proxy's API are committed through Raft and applied by every proxy.</summary>
[Collection(ClusterCollections.Second)]
public sealed class ClusterOverrideTests
{
    [Fact]
    public async Task DrainThroughOneProxy_AppliesOnEveryProxy_OutlivesARestart_EnableThroughAnotherClearsIt()
    {
        await using var cluster = await TestCluster.StartAsync();
        var (first, second, third) = (cluster.Members[0], cluster.Members[1], cluster.Members[2]);

        using (var drained = await second.Http.PostAsync(new Uri("api/v1/groups/1/drain", UriKind.Relative), content: null))
        {
            Assert.True(drained.IsSuccessStatusCode, $"POST drain answered {(int)drained.StatusCode}");
        }

        await UntilEveryNodeAsync(cluster, "Draining", "Draining");

        // The override is in the health group's log: a restarted node has it before it takes a client, even without
        // the health state file that a single proxy would restore it from.
        await third.KillAsync();
        File.Delete(third.Environment()["TCPFFEE_HEALTHCHECK_SAVE_PATH"]!);
        third.Start();
        await third.WaitStartedAsync();
        Assert.Equal(("Draining", "Draining"), await OverrideOfAsync(third));

        using (var enabled = await first.Http.PostAsync(new Uri("api/v1/groups/1/enable", UriKind.Relative), content: null))
        {
            Assert.True(enabled.IsSuccessStatusCode, $"POST enable answered {(int)enabled.StatusCode}");
        }

        await UntilEveryNodeAsync(cluster, null, "Up");
    }

    private static async Task<(string? Override, string Effective)> OverrideOfAsync(ClusterMember member)
    {
        var group = await member.GroupAsync(1);
        return (group.RuntimeOverride, group.EffectiveState);
    }

    private static async Task UntilEveryNodeAsync(TestCluster cluster, string? runtimeOverride, string effective)
    {
        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var views = await Task.WhenAll(cluster.Members.Select(OverrideOfAsync));
                last = string.Join("; ", views.Select((v, i) => $"{cluster.Members[i].Name}: {v}"));
                return views.All(v => v == (runtimeOverride, effective));
            },
            $"group 1 has override {runtimeOverride ?? "none"} and is {effective} on every node",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure);
    }
}
