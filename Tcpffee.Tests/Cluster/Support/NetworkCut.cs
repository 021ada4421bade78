using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// Cuts the Raft traffic between two sides of a running test cluster with nftables, and heals it. Every node shares the
/// loopback interface and connects to its peers from 127.0.0.1, so a packet's addresses do not say which node sent it;
/// its socket's group does: each node of a cuttable cluster runs with a group id of its own
/// (<see cref="ClusterMember.GroupId"/>), and the rules drop what a node of one side sends to the Raft ports of a node of
/// the other. Only the four Raft sockets are cut: the stats API and the proxied port stay reachable from the test, as
/// an operator's console would on a real network. Disposing deletes the rules whatever state the test left them in.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NetworkCut : IAsyncDisposable
{
    private const string Chain = "raft";
    private readonly string _table = "tcpffee_cut_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly ClusterPorts _ports;

    private NetworkCut(ClusterPorts ports) => _ports = ports;

    /// <summary>Whether this machine can build the cut: <c>nft</c> installed and usable (root).</summary>
    public static string? Unavailable() =>
        !Command.IsInstalled("nft") ? "nft (nftables) is not installed"
        : !Command.IsInstalled("setpriv") ? "setpriv (util-linux) is not installed"
        : Environment.UserName != "root" ? "the network cut needs root (nftables rules, group ids)"
        : null;

    /// <summary>An empty table with an output chain: nothing is cut yet.</summary>
    public static async Task<NetworkCut> CreateAsync(ClusterPorts ports)
    {
        var cut = new NetworkCut(ports);
        await Nft("add", "table", "inet", cut._table);
        await Nft("add", "chain", "inet", cut._table, Chain, "{ type filter hook output priority 0; policy accept; }");
        return cut;
    }

    /// <summary>From now on, no Raft packet goes from a node of <paramref name="side"/> to one of <paramref name="rest"/>, nor back.</summary>
    public async Task CutAsync(IReadOnlyList<ClusterMember> side, IReadOnlyList<ClusterMember> rest)
    {
        var ports = string.Create(
            CultureInfo.InvariantCulture,
            $"{{ {_ports.HealthchecksLogs}, {_ports.StickTableLogs}, {_ports.HealthchecksProposals}, {_ports.StickTableProposals} }}");
        foreach (var (from, to) in side.SelectMany(a => rest.SelectMany(b => new[] { (a, b), (b, a) })))
        {
            await Nft(
                "add", "rule", "inet", _table, Chain,
                "meta", "skgid", Gid(from), "ip", "daddr", to.Address.ToString(), "tcp", "dport", ports, "drop");
        }
    }

    /// <summary>Removes every rule: the nodes reach each other again.</summary>
    public Task HealAsync() => Nft("flush", "chain", "inet", _table, Chain);

    public async ValueTask DisposeAsync() => await Command.RunAsync("nft", ["delete", "table", "inet", _table]);

    private static string Gid(ClusterMember member) =>
        member.GroupId?.ToString(CultureInfo.InvariantCulture) ?? throw new InvalidOperationException($"{member.Name} does not run with a group id of its own");

    private static Task<string> Nft(params string[] arguments) => Command.CheckAsync("nft", arguments);
}
