using System.Collections.Immutable;
using System.Net;
using System.Net.NetworkInformation;
using Tcpffee.Cluster;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Finding this node among the configured peers, and telling peers from strangers.</summary>
public sealed class ClusterTopologyTests
{
    private static readonly PhysicalAddress MacA = PhysicalAddress.Parse("02-00-00-00-00-0A");
    private static readonly PhysicalAddress MacB = PhysicalAddress.Parse("02-00-00-00-00-0B");
    private static readonly PhysicalAddress MacC = PhysicalAddress.Parse("02-00-00-00-00-0C");
    private static readonly PhysicalAddress Stranger = PhysicalAddress.Parse("02-00-00-00-00-FF");
    private static readonly PhysicalAddress Other = PhysicalAddress.Parse("0A-1B-2C-3D-4E-5F");

    private static readonly ImmutableArray<PeerConfig> ThreePeers =
    [
        new("192.0.2.10", MacA),
        new("192.0.2.11", MacB),
        new("2001:db8::12", MacC),
    ];

    [Fact]
    public void Resolve_NoPeers_Null()
    {
        Assert.Null(ClusterTopology.Resolve([], null, [MacA]));
        Assert.Null(ClusterTopology.Resolve(default, null, [MacA]));
    }

    [Fact]
    public void Resolve_OnlySelf_Null() =>
        Assert.Null(ClusterTopology.Resolve([new("192.0.2.10", MacA)], null, [Other, MacA]));

    [Fact]
    public void Resolve_OnlySelfByOverride_Null() =>
        Assert.Null(ClusterTopology.Resolve([new("192.0.2.10", MacA)], MacA, []));

    [Fact]
    public void Resolve_LocalMacMatchesAPeer_SelfIsThatPeerAndEveryPeerResolved()
    {
        var topology = ClusterTopology.Resolve(ThreePeers, null, [Other, MacB]);

        Assert.NotNull(topology);
        Assert.Equal(1, topology.SelfIndex);
        Assert.Equal(MacB, topology.Self.MacAddress);
        Assert.Equal(Enumerable.Range(0, 3), topology.Peers.Select(p => p.Index));
        Assert.Equal(
            new[] { IPAddress.Parse("192.0.2.10"), IPAddress.Parse("192.0.2.11"), IPAddress.Parse("2001:db8::12") },
            topology.Peers.Select(p => p.Address));
        Assert.Equal("2001:db8::12", topology.Peers[2].Host);
    }

    [Fact]
    public void Resolve_NodeMacOverride_WinsOverLocalMacs()
    {
        var topology = ClusterTopology.Resolve(ThreePeers, MacC, [MacA, MacB]);

        Assert.NotNull(topology);
        Assert.Equal(2, topology.SelfIndex);
        Assert.Equal(MacC, topology.Self.MacAddress);
    }

    [Fact]
    public void Resolve_NoLocalMacMatches_ThrowsListingTheMacsItHad()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterTopology.Resolve(ThreePeers, null, [Other, Stranger]));

        Assert.Contains("0a:1b:2c:3d:4e:5f", error.Message, StringComparison.Ordinal);
        Assert.Contains("02:00:00:00:00:ff", error.Message, StringComparison.Ordinal);
        Assert.Contains("interfaces", error.Message, StringComparison.Ordinal);
        Assert.Contains("TCPFFEE_NODE_MAC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoLocalMacs_ThrowsSayingNone()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterTopology.Resolve(ThreePeers, null, []));

        Assert.Contains("none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NodeMacOverrideNotAPeer_ThrowsNamingTheOverrideOnly()
    {
        // The local MACs would match, but the override is what this node is told it is.
        var error = Assert.Throws<InvalidOperationException>(() => ClusterTopology.Resolve(ThreePeers, Stranger, [MacA]));

        Assert.Contains("TCPFFEE_NODE_MAC is 02:00:00:00:00:ff", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("02:00:00:00:00:0a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_OnlyOtherPeer_Throws() =>
        Assert.Throws<InvalidOperationException>(() => ClusterTopology.Resolve([new("192.0.2.10", MacA)], null, [MacB]));

    [Theory]
    [InlineData("192.0.2.10", true)]
    [InlineData("192.0.2.11", true)]
    [InlineData("::ffff:192.0.2.10", true)]
    [InlineData("::ffff:192.0.2.11", true)]
    [InlineData("2001:db8::12", true)]
    [InlineData("192.0.2.12", false)]
    [InlineData("::ffff:192.0.2.99", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("2001:db8::13", false)]
    [InlineData("::192.0.2.10", false)]
    public void IsPeer_Address_OnlyPeersAccepted(string address, bool expected)
    {
        var topology = ClusterTopology.Resolve(ThreePeers, MacA, [])!;

        Assert.Equal(expected, topology.IsPeer(IPAddress.Parse(address)));
    }
}
