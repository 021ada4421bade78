using System.Net;
using System.Net.Sockets;
using Tcpffee.Cluster;
using Tcpffee.Model;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>Who belongs: the Raft sockets serve peers only, and a node missing from <c>[[peers]]</c> does not start.</summary>
[Collection(ClusterSerial.Name)]
public sealed class ClusterMembershipTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ProposalsSockets_CloseANonPeerAtOnce_ServeAPeer()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Members[0];
        var sockets = new (string Name, int Port, int CommandId, byte[] Payload)[]
        {
            // Harmless commands: an expiry round by the leader's clock, and clearing an override of a group that does not exist.
            ("stick_table", cluster.Ports.StickTableProposals, (int)StickCommandKind.Expire, StickCommand.Expire()),
            ("healthchecks", cluster.Ports.HealthchecksProposals, (int)HealthCommandKind.Override, HealthCommand.Override(999, GroupStatus.Up)),
        };

        foreach (var (name, port, commandId, payload) in sockets)
        {
            var target = new IPEndPoint(node.Address, port);

            // 127.0.0.9 is no peer: accepted by the kernel, then closed by the proxy without a word.
            var end = await StrangerEndAsync(target);
            Assert.True(end is "eof" or "reset", $"the {name} proposals socket {target} left a connection from 127.0.0.9 open: {end}");

            await node.Process.WaitForLineAsync(
                ProcessOutput.StandardOutput,
                l => l.Contains($"Proposals socket {target}: refused 127.0.0.9:", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5));

            // 127.0.0.2 is node 2's address: its connection stays, and answers request after request.
            using var peer = await ConnectFromAsync(ClusterPorts.NodeAddress(1), target);
            for (var round = 1; round <= 2; round++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ProposalWire.WriteRequestAsync(peer, commandId, hops: 0, payload, timeout.Token);
                var answer = await ProposalWire.ReadResponseAsync(peer, timeout.Token);
                Assert.True(
                    answer.Status == ProposalStatus.Committed,
                    $"request {round} from a peer address to the {name} proposals socket {target}: {answer}{Environment.NewLine}{cluster.Logs()}");
            }
        }
    }

    [Fact]
    public async Task LogsSockets_CloseANonPeerAtOnce_KeepAPeerOpen()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Members[0];
        foreach (var (name, port) in new[] { ("healthchecks", cluster.Ports.HealthchecksLogs), ("stick_table", cluster.Ports.StickTableLogs) })
        {
            var target = new IPEndPoint(node.Address, port);
            var end = await StrangerEndAsync(target);
            Assert.True(end is "eof" or "reset", $"the {name} logs socket {target} left a connection from 127.0.0.9 open: {end}");

            await node.Process.WaitForLineAsync(
                ProcessOutput.StandardOutput,
                l => l.Contains($"Raft group {name}: logs socket {target} refused 127.0.0.9:", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5));

            // A peer's address is let through to the Raft transport, which waits for its request: the same wait that
            // saw the stranger closed ends with this connection still open.
            using var peer = await ConnectFromAsync(ClusterPorts.NodeAddress(2), target);
            var peerEnd = await ReceiveEndAsync(peer);
            Assert.True(peerEnd.StartsWith("still open", StringComparison.Ordinal), $"the {name} logs socket {target} ended a connection from peer address 127.0.0.3: {peerEnd}");
        }
    }

    [Fact]
    public async Task NodeMacNotInPeers_ExitsWithCode1_NamingTheMac()
    {
        // Three peers configured, and a fourth process that claims a MAC none of them has.
        await using var cluster = TestCluster.Create();
        var member = cluster.Members[0];
        var environment = member.Environment(mac: "02:00:00:00:00:09");
        var result = await ServerProcess.RunAsync([], environment, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        Assert.Contains("cannot start: this node is not in [[peers]]", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("02:00:00:00:00:09", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" started (PID", result.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<Socket> ConnectFromAsync(IPAddress source, IPEndPoint target)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await socket.ConnectAsync(target, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects from 127.0.0.9 and tells how the connection ends. A reset can beat the connect call's own completion:
    /// the kernel finishes the handshake, the proxy accepts and closes at once.
    /// </summary>
    private static async Task<string> StrangerEndAsync(IPEndPoint target)
    {
        Socket stranger;
        try
        {
            stranger = await ConnectFromAsync(IPAddress.Parse("127.0.0.9"), target);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }

        using (stranger)
        {
            return await ReceiveEndAsync(stranger);
        }
    }

    /// <summary>How a connection ends within <see cref="AtOnce"/>: "eof", "reset", "data" or "still open".</summary>
    private static async Task<string> ReceiveEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(AtOnce);
        try
        {
            var read = await socket.ReceiveAsync(new byte[64], SocketFlags.None, timeout.Token);
            return read == 0 ? "eof" : $"data ({read} bytes)";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }
        catch (OperationCanceledException)
        {
            return $"still open after {AtOnce.TotalSeconds} s";
        }
    }
}
