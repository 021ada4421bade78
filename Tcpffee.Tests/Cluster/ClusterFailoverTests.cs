using System.Diagnostics;
using System.Globalization;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Cluster;

/// <summary>Losing a proxy: the stick table leader killed, and a node killed and started again on its data directory.</summary>
[Collection(ClusterCollections.First)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StickLeaderKilled_SurvivorsElectANewLeader_KnownClientsKeepTheirGroups_NewClientsAgree()
    {
        await using var cluster = await TestCluster.StartAsync();
        var known = await cluster.ConnectNewClientsAsync(20);

        // Known means on every replica, so the survivors route these clients without asking anyone.
        await cluster.WaitReplicatedAsync(known);
        var leader = await cluster.StickLeaderAsync();
        var survivors = cluster.Except(leader);
        var oldTerm = (await survivors[0].ClusterAsync()).StickTable.Term;

        var clock = Stopwatch.StartNew();
        leader.Process.Kill();
        var firstClient = FirstNewClientAsync(cluster, survivors[0], clock);
        var elected = NewLeaderVisibleAsync(cluster, survivors, leader, clock);
        var leaderVisible = await elected;
        var (clientServed, firstSource, firstBackend, failedAttempts) = await firstClient;
        await leader.Process.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var newLeader = (await survivors[0].ClusterAsync()).StickTable;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Failover after SIGKILL of the stick_table leader {leader.Name} (term {oldTerm}): new leader {newLeader.Leader} (term {newLeader.Term}) " +
            $"visible on both survivors after {leaderVisible.TotalMilliseconds:F0} ms; first new client served through {survivors[0].Name} " +
            $"after {clientServed.TotalMilliseconds:F0} ms ({failedAttempts} failed attempts before it)."));
        foreach (var survivor in survivors)
        {
            var fallbacks = await survivor.RaftCounterAsync("tcpffee_raft_fallback_decisions_total", RaftGroupStatus.StickTableName);
            var changes = await survivor.RaftCounterAsync("tcpffee_raft_leader_changes_total", RaftGroupStatus.StickTableName);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{survivor.Name}: fallback decisions (stick_table) {fallbacks}, leader changes seen {changes}"));
        }

        // Past the start, a peer lost is a warning (a start's failures are information): on the new leader, which keeps
        // sending to it; a follower that did not campaign may never have tried to reach it. Single: a survivor must lead.
        var successor = survivors.Single(s => s.StickTableLogs == newLeader.Leader);
        await successor.Process.WaitForLineAsync(
            ProcessOutput.StandardOutput,
            l => l.Contains(" warn: ", StringComparison.Ordinal) && l.Contains($"Cluster member http://{leader.Address}:", StringComparison.Ordinal)
                && l.Contains("is unavailable", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));

        // Every known client, through either survivor, goes where it went before.
        foreach (var (source, backend) in known)
        {
            foreach (var survivor in survivors)
            {
                var now = await survivor.AskAsync(source);
                Assert.True(now == backend, $"{TestCluster.KeyOf(source)} went to {backend} before the failover, to {now} through {survivor.Name} after it");
            }
        }

        // The survivors settle (a leader for both Raft groups, neither in fallback); the client served first, during the
        // election, is routed to one group by both: at once if its assignment was committed, after reconciliation if a
        // survivor had to assign it by rendezvous hash.
        await cluster.WaitFormedAsync(survivors);
        var firstSplit = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var reached = await Task.WhenAll(survivors.Select(s => s.AskAsync(firstSource)));
                firstSplit = string.Join(", ", reached);
                return reached.All(r => r == reached[0]);
            },
            $"both survivors route the first new client {TestCluster.KeyOf(firstSource)} (served {firstBackend}) to one group",
            diagnostics: () => $"last seen: {firstSplit}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure);

        // New clients agree through both survivors, whichever they come through first.
        for (var i = 0; i < 10; i++)
        {
            var source = cluster.NewClient();
            var first = survivors[i % 2];
            var second = survivors[(i + 1) % 2];
            var there = await first.AskAsync(source);
            var here = await second.AskAsync(source);
            Assert.True(there == here, $"new client {TestCluster.KeyOf(source)} after the failover: {there} through {first.Name}, {here} through {second.Name}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NodeKilledAndStartedAgainOnItsData_CatchesUp_RoutesEveryKnownClientAsBefore(bool killLeader)
    {
        await using var cluster = await TestCluster.StartAsync();
        var known = await cluster.ConnectNewClientsAsync(20);
        await cluster.WaitReplicatedAsync(known);

        // A node goes down (a follower, or the leader); what it missed while down must reach it from the leader.
        var leader = await cluster.StickLeaderAsync();
        var victim = killLeader ? leader : cluster.Except(leader)[^1];
        await victim.KillAsync();
        var survivors = cluster.Except(victim);
        foreach (var (source, backend) in await cluster.ConnectNewClientsAsync(10, survivors))
        {
            known[source] = backend;
        }

        await cluster.WaitReplicatedAsync(known, survivors);
        leader = await cluster.StickLeaderAsync();
        var committed = (await leader.ClusterAsync()).StickTable.CommitIndex;

        victim.Start();
        await victim.WaitStartedAsync();
        await cluster.WaitFormedAsync();
        var caughtUp = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var group = (await victim.ClusterAsync()).StickTable;
                caughtUp = group.ToString();
                return group.AppliedIndex >= committed;
            },
            $"{victim.Name} applied the stick table log up to the leader's commit index {committed}",
            diagnostics: () => $"{victim.Name}: {caughtUp}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure);
        await cluster.WaitReplicatedAsync(known, [victim]);

        foreach (var (source, backend) in known)
        {
            var now = await victim.AskAsync(source);
            Assert.True(now == backend, $"{TestCluster.KeyOf(source)} went to {backend}; through the restarted {victim.Name} it went to {now}");
        }
    }

    /// <summary>New clients through <paramref name="through"/>, one after another, until one is served.</summary>
    private static async Task<(TimeSpan Elapsed, int Source, string Backend, int Failed)> FirstNewClientAsync(
        TestCluster cluster, ClusterMember through, Stopwatch clock)
    {
        var failed = 0;
        while (true)
        {
            var source = cluster.NewClient();
            try
            {
                var backend = await through.AskAsync(source);
                return (clock.Elapsed, source, backend, failed);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                failed++;
            }
        }
    }

    /// <summary>Polls the survivors until both name the same stick table leader, one of them.</summary>
    private static async Task<TimeSpan> NewLeaderVisibleAsync(TestCluster cluster, IReadOnlyList<ClusterMember> survivors, ClusterMember killed, Stopwatch clock)
    {
        var last = "";
        var elapsed = TimeSpan.Zero;
        await Eventually.HoldsAsync(
            async () =>
            {
                var statuses = await Task.WhenAll(survivors.Select(s => s.ClusterAsync()));
                last = string.Join("; ", statuses.Select(s => s.StickTable));
                var leaders = statuses.Select(s => s.StickTable.Leader).Distinct().ToList();
                var done = leaders is [{ } leader] && leader != killed.StickTableLogs && survivors.Any(s => s.StickTableLogs == leader);
                elapsed = clock.Elapsed;
                return done;
            },
            "both survivors see the same new stick_table leader",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: TimeSpan.FromSeconds(10));
        return elapsed;
    }
}
