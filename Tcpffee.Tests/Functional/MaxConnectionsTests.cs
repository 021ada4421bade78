using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary><c>max_connections</c>: connections over the limit are closed at once, and room frees up as connections close.</summary>
public sealed class MaxConnectionsTests
{
    [Fact]
    public async Task MaxConnections_OneOverTheLimit_ClosedAtOnceUntilOneCloses()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { MaxConnections = 3 });
        var open = new List<TestClient>();
        try
        {
            for (var n = 2; n < 5; n++)
            {
                var client = await proxy.ConnectAsync(n);
                open.Add(client);
                Assert.Equal("hello", await client.AskAsync("hello\n"));
            }

            var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 5, "hello\n");
            Assert.Empty(data);

            Assert.Equal(3, backend.Accepted);
            foreach (var client in open)
            {
                Assert.Equal("still", await client.AskAsync("still\n"));
            }

            open[0].Dispose();
            await Eventually.HoldsAsync(() => proxy.Tracker.Count == 2, "the closed connection no longer counts");
            using var replacement = await proxy.ConnectAsync(6);

            Assert.Equal("again", await replacement.AskAsync("again\n"));
            Assert.Equal(4, backend.Accepted);
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
