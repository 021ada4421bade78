using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Dashboard.Support;

namespace Tcpffee.Tests.Dashboard;

/// <summary>The dashboard of a follower in a 3-proxy cluster: the leader it follows, and the fallback while it is alone.</summary>
[Collection(ClusterCollections.First)]
public sealed class ClusterDashboardTests
{
    private readonly DashboardBrowser _browser;

    public ClusterDashboardTests(DashboardBrowser browser)
    {
        _browser = browser;
    }

    [Fact]
    public async Task FollowerPage_ShowsTheLeader_AndTheFallbackBannerWhileTwoPeersAreStopped()
    {
        await using var cluster = await TestCluster.StartAsync();
        var leader = await cluster.StickLeaderAsync();
        var follower = cluster.Except(leader)[0];
        await using var page = await _browser.OpenAsync(new Uri(follower.Http.BaseAddress!, "dashboard/?refresh=500"), "cluster-follower");

        var shown = await page.WaitAsync(
            p => p.TextAsync("#raft-groups tr[data-raft-group=stick_table] .leader"),
            t => t.StartsWith(leader.StickTableLogs, StringComparison.Ordinal),
            $"the stick table's leader is {leader.Name}");
        Assert.Equal($"{leader.StickTableLogs} = peer {leader.Index}", shown);
        Assert.Contains("follower", await page.TextAsync("#summary"), StringComparison.Ordinal);
        Assert.Equal(3, await page.CountAsync("#peers tbody tr"));
        Assert.False(await page.VisibleAsync("#fallback-banner"));

        var others = cluster.Except(follower);
        foreach (var member in others)
        {
            await member.PauseAsync();
        }

        try
        {
            await page.WaitAsync(p => p.VisibleAsync("#fallback-banner"), visible => visible, "the fallback banner is up");
            Assert.Contains("No majority", await page.TextAsync("#fallback-banner"), StringComparison.Ordinal);
            await page.WaitAsync(p => p.CountAsync("#peers td.no"), n => n == 2, "two peers are unreachable");
            await page.SaveScreenshotAsync("cluster-fallback");
        }
        finally
        {
            foreach (var member in others)
            {
                await member.ResumeAsync();
            }
        }

        await page.WaitAsync(p => p.VisibleAsync("#fallback-banner"), visible => !visible, "the fallback banner is gone with the majority back");
    }
}
