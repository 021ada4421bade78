using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Cluster;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.StickTable;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>The same cluster as the child-process tests, as three real hosts inside the test process.</summary>
[Collection(ClusterCollections.First)]
public sealed class ClusterInProcessTests
{
    private const int OverriddenGroup = 0;

    [Fact]
    public async Task ThreeHostsInProcess_FormACluster_AgreeOnAClientsGroup_AndCommitAFollowersCommandOnce()
    {
        var backends = Enumerable.Range(0, 3).Select(g => NamedBackend.Start(TestCluster.BackendName(g))).ToList();
        var hosts = new List<ProxyHost>();
        try
        {
            var ports = ClusterPorts.Find(3);
            var peers = Enumerable.Range(0, 3)
                .Select(i => new PeerConfig(ClusterPorts.NodeAddress(i).ToString(), Mac(i)))
                .ToList();
            for (var i = 0; i < 3; i++)
            {
                var address = ClusterPorts.NodeAddress(i);
                var config = TestConfig.Base with
                {
                    BindAddress = address,
                    StatsBindSocket = new IPEndPoint(address, 0),
                    RaftSockets = new RaftSocketsConfig(
                        new IPEndPoint(address, ports.HealthchecksLogs),
                        new IPEndPoint(address, ports.StickTableLogs),
                        new IPEndPoint(address, ports.HealthchecksProposals),
                        new IPEndPoint(address, ports.StickTableProposals)),
                    Groups = [.. backends.Select((b, id) => TestConfig.Group(id, TestConfig.Map((0, b.EndPoint))))],
                    Peers = [.. peers],
                };
                hosts.Add(await ProxyHost.StartAsync(config, new TcpffeeEnvironment { NodeMac = Mac(i) }));
            }

            var nodes = hosts.Select(h => h.Services.GetRequiredService<ClusterNode>()).ToList();
            await Eventually.HoldsAsync(
                () => nodes.Select(n => n.StickGroup.Leader).Distinct().Count() == 1 && nodes[0].StickGroup.Leader is not null
                    && nodes.Select(n => n.HealthGroup.Leader).Distinct().Count() == 1 && nodes[0].HealthGroup.Leader is not null
                    && nodes.All(n => !n.StickTable.IsIsolated && !n.Health.IsIsolated),
                "the three hosts agree on both leaders");
            Assert.Equal([0, 1, 2], nodes.Select(n => n.Topology.SelfIndex));

            const int Client = 50;
            var reached = new List<string>();
            foreach (var host in hosts)
            {
                reached.Add(await host.AskOnceAsync(Client));
            }

            Assert.True(reached.Distinct().Count() == 1, $"127.0.0.{Client} reached {string.Join(", ", reached)} through hosts 1, 2, 3");
            var group = TestCluster.GroupOf(reached[0]);
            var key = ProxyHost.KeyOf(Client);
            await Eventually.HoldsAsync(() => hosts.All(h => h.Services.GetRequiredService<IStickTableAdmin>().Lookup(key) == group), $"every host's replica holds {key} in group {group}");

            await AssertAFollowersCommandIsCommittedOnceAsync(hosts, nodes);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A follower's override travels to the leader through the message bus and adds exactly one entry to every replica's
    /// log. The health group is quiet here (no checks), so only an election could add one more: a measurement across a
    /// change of term is taken again.
    /// </summary>
    private static async Task AssertAFollowersCommandIsCommittedOnceAsync(List<ProxyHost> hosts, List<ClusterNode> nodes)
    {
        var groups = nodes.Select(n => n.HealthGroup).ToList();
        for (var attempt = 1; ; attempt++)
        {
            await Eventually.HoldsAsync(
                () => groups.All(g => g.AppliedIndex == groups[0].CommitIndex && g.CommitIndex == groups[0].CommitIndex && g.Leader is not null),
                "every replica of the health group has applied the same log");
            var (term, before) = (groups[0].Term, groups[0].CommitIndex);
            var follower = groups.FindIndex(g => !g.IsLeader);
            var status = attempt % 2 == 1 ? GroupStatus.Draining : GroupStatus.Up;

            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            Assert.True(await hosts[follower].Services.GetRequiredService<IOverrideReplication>().CommitAsync(OverriddenGroup, status, timeout.Token), "the follower's override was committed");
            await Eventually.HoldsAsync(
                () => groups.All(g => g.AppliedIndex >= before + 1 && g.AppliedIndex == g.CommitIndex),
                $"every replica applied the override committed after index {before}");
            if (groups.Any(g => g.Term != term) && attempt < 3)
            {
                continue;
            }

            Assert.All(groups, g => Assert.Equal(before + 1, g.CommitIndex));
            Assert.All(nodes, n => Assert.Equal(status, n.Health.Committed().GetValueOrDefault(OverriddenGroup, GroupStatus.Up)));
            return;
        }
    }

    private static System.Net.NetworkInformation.PhysicalAddress Mac(int index) =>
        MacAddress.TryParse(ClusterMember.MacOf(index), out var mac) ? mac : throw new InvalidOperationException("bad test MAC");
}
