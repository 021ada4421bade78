using System.Diagnostics;
using System.Globalization;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Cluster;

/// <summary>Expiry is the stick leader's decision, and every replica follows it.</summary>
[Collection(ClusterCollections.Second)]
public sealed class ClusterExpiryTests(ClusterExpiryTests.ExpiringCluster running, ITestOutputHelper output) : IClassFixture<ClusterExpiryTests.ExpiringCluster>
{
    private const int ExpirationSeconds = 1;

    [Fact]
    public async Task EntryWithAConnectionOpenOnAFollower_OutlivesTheExpirationOnEveryNode_ExpiresAfterTheClose()
    {
        var cluster = running.Cluster;
        var leader = await cluster.StickLeaderAsync();
        var follower = cluster.Except(leader)[0];
        var source = cluster.NewClient();
        var key = TestCluster.KeyOf(source);

        // Only the follower knows the connection is open; it reports it to the leader, which decides expiry.
        var client = await TestClient.ConnectAsync(follower.ProxyEndPoint, source);
        string last = "";
        try
        {
            var backend = await client.ReceiveLineAsync();
            var group = TestCluster.GroupOf(backend);
            var open = Stopwatch.StartNew();
            while (open.Elapsed < TimeSpan.FromSeconds(ExpirationSeconds * 2.5))
            {
                var entries = await Task.WhenAll(cluster.Members.Select(m => m.StickEntryAsync(key)));
                last = string.Join("; ", entries.Select((e, i) => $"{cluster.Members[i].Name}: {e?.ToString() ?? "none"}"));
                Assert.True(
                    open.Elapsed < TimeSpan.FromSeconds(1) || entries.All(e => e is not null && e.Group == group),
                    $"{open.Elapsed.TotalMilliseconds:F0} ms after connecting through {follower.Name}, with the connection still open: {last}");
                await Task.Delay(100);
            }

            // The backend echoes after its greeting: the connection still reaches it.
            Assert.Equal($"still {backend}", await client.AskAsync($"still {backend}\n"));
        }
        finally
        {
            client.Dispose();
        }

        await Eventually.HoldsAsync(
            async () =>
            {
                var entries = await Task.WhenAll(cluster.Members.Select(m => m.StickEntryAsync(key)));
                last = string.Join("; ", entries.Select((e, i) => $"{cluster.Members[i].Name}: {e?.ToString() ?? "none"}"));
                return entries.All(e => e is null);
            },
            $"{key} is gone from every node after its connection closed",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: TimeSpan.FromSeconds(ExpirationSeconds + 8));
    }

    [Fact]
    public async Task IdleEntry_AppearsOnEveryNode_ThenExpiresOnEveryNode_ThenTheKeyIsNew()
    {
        var cluster = running.Cluster;
        var source = cluster.NewClient();
        var key = TestCluster.KeyOf(source);
        var backend = await cluster.Members[0].AskAsync(source);
        var sinceClose = Stopwatch.StartNew();
        var group = TestCluster.GroupOf(backend);

        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var entries = await Task.WhenAll(cluster.Members.Select(m => m.StickEntryAsync(key)));
                last = string.Join("; ", entries.Select((e, i) => $"{cluster.Members[i].Name}: {e?.ToString() ?? "none"}"));
                return entries.All(e => e is { OpenConnections: 0 } && e.Group == group);
            },
            $"every node lists {key} in group {group} with no connection open",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: TimeSpan.FromSeconds(ExpirationSeconds));

        await Eventually.HoldsAsync(
            async () =>
            {
                var entries = await Task.WhenAll(cluster.Members.Select(m => m.StickEntryAsync(key)));
                last = string.Join("; ", entries.Select((e, i) => $"{cluster.Members[i].Name}: {e?.ToString() ?? "none"}"));
                return entries.All(e => e is null);
            },
            $"{key} is gone from every node",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: TimeSpan.FromSeconds(ExpirationSeconds + 8));
        var gone = sinceClose.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key} was gone from all three nodes {gone.TotalMilliseconds:F0} ms after its connection closed (expiration {ExpirationSeconds} s)."));

        // Not before the expiration: the leader counts from the last activity a proxy reported, the close included.
        Assert.True(gone >= TimeSpan.FromSeconds(ExpirationSeconds), $"{key} expired {gone.TotalMilliseconds:F0} ms after its connection closed, before the {ExpirationSeconds} s expiration");

        // The key is new again: it is assigned afresh, and every replica has the new entry.
        var again = await cluster.Members[1].AskAsync(source);
        var regroup = TestCluster.GroupOf(again);
        await Eventually.HoldsAsync(
            async () =>
            {
                var entries = await Task.WhenAll(cluster.Members.Select(m => m.StickEntryAsync(key)));
                last = string.Join("; ", entries.Select((e, i) => $"{cluster.Members[i].Name}: {e?.ToString() ?? "none"}"));
                return entries.All(e => e is not null && e.Group == regroup);
            },
            $"every node lists {key} again, in group {regroup}",
            diagnostics: () => $"last seen: {last}{Environment.NewLine}{cluster.Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: TimeSpan.FromSeconds(ExpirationSeconds));
        foreach (var member in cluster.Members)
        {
            Assert.Equal(again, await member.AskAsync(source));
        }
    }

    /// <summary>A cluster whose entries expire after <see cref="ExpirationSeconds"/>, shared by this class's tests.</summary>
    public sealed class ExpiringCluster : RunningCluster
    {
        internal override ClusterOptions Options => new() { ExpirationSeconds = ExpirationSeconds };
    }
}
