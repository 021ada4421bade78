using System.Runtime.Versioning;
using Tcpffee.Cluster;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Cluster;

/// <summary>
/// The network between running proxies cut with nftables (<see cref="NetworkCut"/>), not the processes stopped: a
/// minority keeps serving, the majority keeps committing, and once the cut heals they converge and no committed entry
/// is lost. These tests need root, <c>nft</c> and <c>setpriv</c>; without them each test writes why to its output and
/// returns, as the <c>_WhenRoot</c> suffix says. CI runs them as root with the tools installed.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ClusterCollections.Second)]
public sealed class ClusterNetworkCutTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CutOffNode_ServesAloneWhileTheMajorityCommits_ThenAllConverge_WhenRoot(bool aloneIsLeader)
    {
        if (NetworkCut.Unavailable() is { } reason)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { Cuttable = true, Log = "info,Tcpffee.Proxy=debug" });
        await using var cut = await NetworkCut.CreateAsync(cluster.Ports);
        var known = await cluster.ConnectNewClientsAsync(6);
        await cluster.WaitReplicatedAsync(known);
        var leader = await cluster.StickLeaderAsync();
        var alone = aloneIsLeader ? leader : cluster.Except(leader)[0];
        var majority = cluster.Except(alone);

        await cut.CutAsync([alone], majority);

        // Both processes of the majority agree on a leader among themselves and commit; the one left alone says fallback.
        await cluster.WaitFormedAsync(majority);
        await alone.WaitFallbackAsync(true, TimeSpan.FromSeconds(15));
        var committed = await cluster.ConnectNewClientsAsync(6, majority);
        await cluster.WaitReplicatedAsync(committed, majority);

        foreach (var (source, backend) in known)
        {
            var now = await alone.AskAsync(source);
            Assert.True(now == backend, $"known client {TestCluster.KeyOf(source)} went to {backend}, through {alone.Name} cut off to {now}");
        }

        var aloneClients = await cluster.ConnectNewClientsAsync(4, [alone]);

        await cut.HealAsync();

        // Nothing the majority committed is lost, on any replica, the one that was cut off included.
        await cluster.WaitFormedAsync(timeout: TimeSpan.FromSeconds(30));
        await cluster.WaitReplicatedAsync(known.Concat(committed).ToDictionary(), timeout: TimeSpan.FromSeconds(30));

        // The clients first seen by the node that was cut off end in one group through all three proxies.
        await cluster.WaitOneGroupEverywhereAsync(aloneClients.Keys, "first seen by the cut-off node");
    }

    [Fact]
    public async Task DataDiskFills_NodeExitsWith3BeforeALogWriteFails_ThenComesBackOnItsData_WhenRoot()
    {
        if (NetworkCut.Unavailable() is { } reason)
        {
            output.WriteLine($"not run: {reason}");
            return;
        }

        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataDiskBytes = 4 * DataDiskWatchdog.ReserveBytes });
        var before = await cluster.ConnectNewClientsAsync(6);
        await cluster.WaitReplicatedAsync(before);
        var leader = await cluster.StickLeaderAsync();
        var full = cluster.Except(leader)[0];

        // A disk that fills crosses the reserve before it has no space at all: leave half the reserve.
        var filler = Path.Combine(full.DataDirectory, "filler");
        var free = new DriveInfo(full.DataDirectory).AvailableFreeSpace;
        await File.WriteAllBytesAsync(filler, new byte[free - (DataDiskWatchdog.ReserveBytes / 2)]);

        // Commits go on meanwhile; they reach the node's log until it stops.
        var during = new Dictionary<int, string>();
        var exitCode = await Eventually.UntilAsync<int?>(
            async () =>
            {
                if (during.Count < 50)
                {
                    var source = cluster.NewClient();
                    during[source] = await leader.AskAsync(source);
                }

                return full.IsRunning ? null : full.Process.Process.ExitCode;
            },
            code => code is not null,
            $"{full.Name}, its data disk nearly full, exits",
            diagnostics: () => full.Tail());

        Assert.True(exitCode == 3, $"{full.Name} exited with {exitCode}, not 3{Environment.NewLine}{full.Tail()}");
        Assert.Contains("Tcpffee.Cluster.ClusterService[72] The Raft data directory's disk has ", full.Process.StandardOutput, StringComparison.Ordinal);

        // Space again: the restarted node reopens its logs and catches up, losing nothing that was committed.
        File.Delete(filler);
        full.Start();
        await full.WaitStartedAsync();
        await cluster.WaitFormedAsync(timeout: TimeSpan.FromSeconds(30));
        await cluster.WaitReplicatedAsync(before.Concat(during).ToDictionary(), timeout: TimeSpan.FromSeconds(30));
    }
}
