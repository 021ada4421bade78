using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary><c>stick_table_max_entries</c>: the longest-idle entry makes room; entries with open connections never do.</summary>
public sealed class StickTableBoundTests
{
    [Fact]
    public async Task Bound_FullOfIdleEntriesAndNewClient_LongestIdleEntryEvicted()
    {
        await using var backend = NamedBackend.Start("only");
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { StickTableMaxEntries = 3 });

        // One at a time, so the entries go idle in a known order: 127.0.0.3 first, then .2, then .4.
        foreach (var n in new[] { 3, 2, 4 })
        {
            Assert.Equal("only", await proxy.AskOnceAsync(n));
            await proxy.WaitUntilIdleAsync(ProxyHost.KeyOf(n));
        }

        Assert.Equal("only", await proxy.AskOnceAsync(5));

        var keys = proxy.Table.Snapshot().Select(e => e.Key).ToHashSet();
        Assert.Equal([ProxyHost.KeyOf(2), ProxyHost.KeyOf(4), ProxyHost.KeyOf(5)], keys);
    }

    [Fact]
    public async Task Bound_FullOfOpenEntriesAndNewClient_ClientServedButNothingEvicted()
    {
        await using var backend = NamedBackend.Start("only");
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { StickTableMaxEntries = 3 });
        var open = new List<TestClient>();
        try
        {
            for (var n = 2; n < 5; n++)
            {
                var client = await proxy.ConnectAsync(n);
                open.Add(client);
                Assert.Equal("only", await client.ReceiveLineAsync());
            }

            Assert.Equal("only", await proxy.AskOnceAsync(5));

            var entries = proxy.Table.Snapshot();
            Assert.Equal([ProxyHost.KeyOf(2), ProxyHost.KeyOf(3), ProxyHost.KeyOf(4)], entries.Select(e => e.Key).ToHashSet());
            Assert.All(entries, e => Assert.Equal(1, e.OpenConnections));
        }
        finally
        {
            foreach (var client in open)
            {
                client.Dispose();
            }
        }
    }
}
