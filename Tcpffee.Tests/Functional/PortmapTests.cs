using System.Net;
using Tcpffee.Configuration;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>Both portmap forms: one backend host for every port, or an explicit port → endpoint table.</summary>
public sealed class PortmapTests
{
    [Fact]
    public async Task Connect_PortmapIsHostAddress_ForwardsToThatHostOnTheListeningPort()
    {
        var backendHost = IPAddress.Parse("127.0.0.2");
        for (var attempt = 1; ; attempt++)
        {
            // The backend takes a free port on 127.0.0.2; the proxy must then listen on the same port on 127.0.0.1.
            await using var backend = NamedBackend.Start("host-form", new IPEndPoint(backendHost, 0));
            var port = backend.EndPoint.Port;
            var config = Base with { Ports = [port], Groups = [Group(0, PortmapConfig.ForHost(backendHost))] };
            ProxyHost proxy;
            try
            {
                proxy = await ProxyHost.StartAsync(config);
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                continue;
            }

            await using (proxy)
            {
                Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), proxy.EndPoint);
                Assert.Equal("host-form", await proxy.AskOnceAsync(3, port));
                Assert.Equal(1, backend.Accepted);
            }

            return;
        }
    }

    [Fact]
    public async Task Connect_PortmapIsTable_ForwardsEachPortToItsOwnBackend()
    {
        await using var first = NamedBackend.Start("first");
        await using var second = NamedBackend.Start("second");
        await using var proxy = await ProxyHost.StartOnFreePortsAsync(2, ports => Base with
        {
            Ports = [ports[0], ports[1]],
            Groups = [Group(0, Map((ports[0], first.EndPoint), (ports[1], second.EndPoint)))],
        });

        Assert.Equal("first", await proxy.AskOnceAsync(2, proxy.Config.Ports[0]));
        Assert.Equal("second", await proxy.AskOnceAsync(2, proxy.Config.Ports[1]));
        Assert.Equal("first", await proxy.AskOnceAsync(3, proxy.Config.Ports[0]));
    }

    [Fact]
    public async Task Connect_PortNotInGroupsTable_NeverSentToThatGroup()
    {
        await using var both = NamedBackend.Start("both");
        await using var onlyA = NamedBackend.Start("only-a");
        await using var bothB = NamedBackend.Start("both-b");
        await using var proxy = await ProxyHost.StartOnFreePortsAsync(2, ports => Base with
        {
            Ports = [ports[0], ports[1]],
            Groups = [Group(0, Map((ports[0], onlyA.EndPoint))), Group(1, Map((ports[0], both.EndPoint), (ports[1], bothB.EndPoint)))],
        });
        var portB = proxy.Config.Ports[1];

        // Group 0 has fewer entries each time, yet it does not serve port B.
        for (var n = 2; n < 5; n++)
        {
            Assert.Equal("both-b", await proxy.AskOnceAsync(n, portB));
        }

        Assert.Equal(0, onlyA.Accepted);
    }
}
