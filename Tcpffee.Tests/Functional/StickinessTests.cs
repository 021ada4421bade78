using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>A client keeps landing on the group it was first sent to, on every port that group serves.</summary>
public sealed class StickinessTests
{
    [Fact]
    public async Task Connect_SameSourceFiveTimesWhileOthersArrive_SameBackendEveryTime()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));

        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await proxy.AskOnceAsync(2));

            // A new client in between tips the entry counts, so a non-sticky choice would move 127.0.0.2 at least once.
            await proxy.AskOnceAsync(10 + i);
        }

        Assert.Single(answers.Distinct());
        var entry = Assert.Single(proxy.Table.Snapshot(), e => e.Key == ProxyHost.KeyOf(2));
        Assert.Equal(answers[0] == "alpha" ? 0 : 1, entry.GroupId);
    }

    [Fact]
    public async Task Connect_SameSourceOnSecondPortOfGroup_LandsInSameGroup()
    {
        await using var zeroA = NamedBackend.Start("0a");
        await using var zeroB = NamedBackend.Start("0b");
        await using var oneA = NamedBackend.Start("1a");
        await using var oneB = NamedBackend.Start("1b");
        await using var proxy = await ProxyHost.StartOnFreePortsAsync(2, ports => Base with
        {
            Ports = [ports[0], ports[1]],
            Groups =
            [
                Group(0, Map((ports[0], zeroA.EndPoint), (ports[1], zeroB.EndPoint))),
                Group(1, Map((ports[0], oneA.EndPoint), (ports[1], oneB.EndPoint))),
            ],
        });
        var (portA, portB) = (proxy.Config.Ports[0], proxy.Config.Ports[1]);

        var onA = await proxy.AskOnceAsync(2, portA);
        var onB = await proxy.AskOnceAsync(2, portB);

        // On port B the client's group holds one entry and the other none: only stickiness sends it back there.
        Assert.Equal(onA[0], onB[0]);
        Assert.Equal("a", onA[1..]);
        Assert.Equal("b", onB[1..]);
        Assert.Equal(1, proxy.Table.Count);
    }

    [Fact]
    public async Task Connect_TenConcurrentFirstConnectionsFromOneSource_AllLandInSameGroup()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => proxy.ConnectAsync(2)));
        try
        {
            // All ten race for a key that is not in the table yet; the first to assign it decides for the rest.
            var answers = await Task.WhenAll(clients.Select(c => c.ReceiveLineAsync()));

            Assert.Single(answers.Distinct());
            var entry = Assert.Single(proxy.Table.Snapshot());
            Assert.Equal(10, entry.OpenConnections);
            Assert.Equal(answers[0] == "alpha" ? 0 : 1, entry.GroupId);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
