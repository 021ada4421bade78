using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Listeners;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.ProxyProtocol.Support;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>
/// <c>max_connections_per_client</c>: one address holding its limit is closed at once on its next connection, while
/// other clients are served; the count is of the real client (the PROXY header's address) and follows reloads.
/// </summary>
public sealed class MaxConnectionsPerClientTests
{
    private const int Limit = 5;

    [Fact]
    public async Task MaxConnectionsPerClient_OneAddressAtItsLimit_OthersServedAndRoomFreesOnClose()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(OnePort(backend.EndPoint) with { MaxConnectionsPerClient = Limit });
        var counts = proxy.Services.GetRequiredService<ClientConnectionCounts>();
        var held = new List<TestClient>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                var client = await proxy.ConnectAsync(2);
                held.Add(client);
                Assert.Equal("hello", await client.AskAsync("hello\n"));
            }

            var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2, "over\n");
            Assert.Empty(data);
            Assert.Equal(1, await proxy.WaitForRejectedAsync("client_limit", 1));
            Assert.Equal(Limit, backend.Accepted);

            // Another address is not locked out by the one at its limit, nor are the held connections disturbed.
            using (var other = await proxy.ConnectAsync(3))
            {
                Assert.Equal("other", await other.AskAsync("other\n"));
            }

            foreach (var client in held)
            {
                Assert.Equal("still", await client.AskAsync("still\n"));
            }

            held[0].Dispose();
            held.RemoveAt(0);
            await Eventually.HoldsAsync(() => counts.OpenFrom(TestClient.Source(2)) == Limit - 1, "the closed connection of 127.0.0.2 no longer counts");
            using var again = await proxy.ConnectAsync(2);
            Assert.Equal("again", await again.AskAsync("again\n"));
            Assert.Equal(1, await proxy.RejectedAsync("client_limit"));
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }

        // Addresses leave the map with their last connection: it holds only the clients connected now.
        await Eventually.HoldsAsync(() => counts.Clients == 0, "no address is counted once every connection closed");
    }

    [Fact]
    public async Task MaxConnectionsPerClient_Unset_NoAddressIsCounted()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(OnePort(backend.EndPoint));
        var counts = proxy.Services.GetRequiredService<ClientConnectionCounts>();

        using var client = await proxy.ConnectAsync(2);
        Assert.Equal("hello", await client.AskAsync("hello\n"));

        Assert.Equal(0, counts.Clients);
    }

    [Fact]
    public async Task MaxConnectionsPerClient_BehindProxyHeaders_CountsTheAddressInTheHeader()
    {
        await using var backend = TestBackend.Echo();
        await using var proxy = await ProxyHost.StartOnFreePortAsync(OnePort(backend.EndPoint) with
        {
            MaxConnectionsPerClient = 1,
            AcceptProxy = true,
            AcceptProxyFrom = Networks.Of("127.0.0.0/8"),
            FirstMessageTimeout = TimeSpan.FromSeconds(10),
        });
        var destination = IPEndPoint.Parse("198.51.100.10:443");

        // Every connection comes from the same upstream load balancer; only the header tells the clients apart.
        async Task<TestClient> ConnectAsClientAsync(string address)
        {
            var client = await proxy.ConnectAsync(2);
            await client.SendAsync(HeaderBytes.V1(IPEndPoint.Parse($"{address}:40000"), destination));
            return client;
        }

        using var first = await ConnectAsClientAsync("203.0.113.7");
        Assert.Equal("first", await first.AskAsync("first\n"));

        using var second = await ConnectAsClientAsync("203.0.113.7");
        var (data, _) = await second.ReadToEndAsync();
        Assert.Empty(data);

        using var other = await ConnectAsClientAsync("203.0.113.8");
        Assert.Equal("other", await other.AskAsync("other\n"));
        Assert.Equal(1, await proxy.RejectedAsync("client_limit"));
    }

    [Fact]
    public async Task MaxConnectionsPerClient_Reload_NewLimitAppliesToNewConnections()
    {
        await using var backend = TestBackend.Echo();
        using var state = new TempDirectory();
        string Toml(int port, int limit) => $"max_connections_per_client = {limit}\n" + TestConfig.Toml(port, [new TestGroup(0, backend.EndPoint)]);
        var (proxy, port) = await ProxyHost.StartFromFileAsync(Path.Combine(state.Path, "tcpffee.toml"), p => Toml(p, 1));
        await using var _ = proxy;

        using var first = await proxy.ConnectAsync(2);
        Assert.Equal("first", await first.AskAsync("first\n"));
        var (refused, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2, "over\n");
        Assert.Empty(refused);

        await proxy.ReloadAsync(Toml(port, 2));

        using var second = await proxy.ConnectAsync(2);
        Assert.Equal("second", await second.AskAsync("second\n"));
        var (third, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2, "over\n");
        Assert.Empty(third);
        Assert.Equal(2, await proxy.WaitForRejectedAsync("client_limit", 2));
    }
}
