using System.Net;
using System.Net.Sockets;
using Tcpffee.Cluster;
using Tcpffee.Model;
using Tcpffee.Tests.Cluster.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>
/// Who belongs: the Raft logs sockets serve peers only, a malformed request gets no details, the proposals keys are
/// reported as unused, a node missing from <c>[[peers]]</c> does not start, and peers starting together warn of nothing.
/// </summary>
[Collection(ClusterCollections.Second)]
public sealed class ClusterMembershipTests(RunningCluster running) : IClassFixture<RunningCluster>
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ProposalsSockets_SetInTheConfig_AreReportedAsUnused_OnceAtStartAndByCheckConfig()
    {
        // The test cluster's file sets both proposals keys, as a file written for an earlier release would.
        var cluster = running.Cluster;
        var node = cluster.Members[0];
        foreach (var key in new[] { "raft_healthchecks_proposals_bind_socket", "raft_stick_table_proposals_bind_socket" })
        {
            await node.Process.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains(key + ": unused", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
            var said = node.Process.LinesSince(0).Count(l => l.Contains(key, StringComparison.Ordinal));
            Assert.True(said == 1, $"the start log names {key} {said} times:{Environment.NewLine}{cluster.Logs()}");

            // Nothing listens there any more: the commands travel on the logs sockets.
            var port = key.Contains("healthchecks", StringComparison.Ordinal) ? cluster.Ports.HealthchecksProposals : cluster.Ports.StickTableProposals;
            await Assert.ThrowsAnyAsync<SocketException>(() => ConnectFromAsync(ClusterPorts.NodeAddress(1), new IPEndPoint(node.Address, port)));
        }

        var check = await ServerProcess.RunAsync(["check-config"], node.Environment(), TimeSpan.FromSeconds(30));
        Assert.True(check.ExitCode == 0, $"check-config: {check}");
        Assert.Contains("raft_healthchecks_proposals_bind_socket: unused", check.StandardError, StringComparison.Ordinal);
        Assert.Contains("raft_stick_table_proposals_bind_socket: unused", check.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthyStart_WarnsOfNothing_InAnyNodesLog()
    {
        // What a start of proxies at different moments brings: votes timed out and connections refused until the peers
        // are up, a new leader's probe of each follower's log, fallback while there is no leader yet. All information.
        string[] startTexts = ["is unavailable", "Replication of", "the majority is out of reach", "Connection processing ended abnormally"];
        // A node's lines until both its groups first had a leader, and a leader's replication retries until the test saw
        // the cluster formed. Later lines may be a real event: on a loaded machine, the CPU a start takes can delay
        // heartbeats past the election timeout right after the first election, and that re-election is a warning.
        var cluster = running.Cluster;
        var warnings = cluster.Members
            .SelectMany((m, i) => StartOf(m.Process.LinesSince(0).Take(running.StartLines[i]).ToList()).Select(line => $"{m.Name}: {line}"))
            .Where(line => line.Contains(" warn: ", StringComparison.Ordinal) && startTexts.Any(t => line.Contains(t, StringComparison.Ordinal)))
            .ToList();

        Assert.True(warnings.Count == 0, $"warnings of a healthy start:{Environment.NewLine}{string.Join(Environment.NewLine, warnings)}");
        Assert.Contains(cluster.Members.SelectMany(m => m.Process.LinesSince(0)), line => line.Contains(" info: ", StringComparison.Ordinal) && line.Contains("leader is now", StringComparison.Ordinal));
    }

    /// <summary>The lines until both groups named a leader (all of them if one never did), then only the replication retries.</summary>
    private static IEnumerable<string> StartOf(List<string> lines)
    {
        int Elected(string group) => lines.FindIndex(l =>
            l.Contains($"Raft group {group}: leader is now ", StringComparison.Ordinal) && !l.Contains("leader is now (null)", StringComparison.Ordinal));

        var (stick, health) = (Elected(RaftGroupStatus.StickTableName), Elected(RaftGroupStatus.HealthchecksName));
        var end = stick < 0 || health < 0 ? lines.Count : Math.Max(stick, health) + 1;
        return lines.Take(end).Concat(lines.Skip(end).Where(l => l.Contains("Replication of", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LogsSockets_AMalformedRaftRequestFromAPeer_IsAnsweredWithoutTheExceptionText()
    {
        var cluster = running.Cluster;
        var node = cluster.Members[0];
        foreach (var (name, port) in new[] { ("healthchecks", cluster.Ports.HealthchecksLogs), ("stick_table", cluster.Ports.StickTableLogs) })
        {
            // A vote request that lacks every header a vote needs: dotNext's parser throws on it.
            using var peer = await ConnectFromAsync(ClusterPorts.NodeAddress(1), new IPEndPoint(node.Address, port));
            var request = $"POST /cluster-consensus/raft HTTP/1.1\r\nHost: {node.Address}:{port}\r\nX-Raft-Message-Type: RequestVote\r\nContent-Length: 0\r\n\r\n";
            await peer.SendAsync(System.Text.Encoding.ASCII.GetBytes(request));
            var answer = await ReadAnswerAsync(peer);

            Assert.StartsWith("HTTP/1.1 500", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", answer, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", answer, StringComparison.Ordinal);
            Assert.Contains("Content-Length: 0", answer, StringComparison.OrdinalIgnoreCase);
            await node.Process.WaitForLineAsync(
                ProcessOutput.StandardOutput,
                l => l.Contains($"Raft group {name}: a request from 127.0.0.2 (RequestVote) failed", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5));
        }

        // The groups still work: a new client is assigned through the cluster.
        await cluster.WaitFormedAsync();
        var assigned = await cluster.ConnectNewClientsAsync(1);
        await cluster.WaitReplicatedAsync(assigned);
    }

    [Fact]
    public async Task LogsSockets_CloseANonPeerAtOnce_KeepAPeerOpen()
    {
        var cluster = running.Cluster;
        var node = cluster.Members[0];
        await Task.WhenAll(new[] { ("healthchecks", cluster.Ports.HealthchecksLogs), ("stick_table", cluster.Ports.StickTableLogs) }.Select(async g =>
        {
            var (name, port) = g;
            var target = new IPEndPoint(node.Address, port);
            var refusedBefore = await node.RaftCounterAsync("tcpffee_raft_refused_connections_total", name);

            // The stranger's request is never read: no HTTP answer, not even an error status.
            var end = await StrangerEndAsync(target);
            Assert.True(end is "eof" or "reset", $"the {name} logs socket {target} answered a request from 127.0.0.9 with: {end}");

            await node.Process.WaitForLineAsync(
                ProcessOutput.StandardOutput,
                l => l.Contains($"Raft group {name}: logs socket {target} refused 127.0.0.9:", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5));
            await Eventually.HoldsAsync(
                async () => await node.RaftCounterAsync("tcpffee_raft_refused_connections_total", name) == refusedBefore + 1,
                $"the {name} group counted the refused connection once");

            // A peer's address is let through to the HTTP server, which waits for its request: the same wait that saw
            // the stranger closed ends with this connection still open.
            using var peer = await ConnectFromAsync(ClusterPorts.NodeAddress(2), target);
            var peerEnd = await ReceiveEndAsync(peer);
            Assert.True(peerEnd.StartsWith("still open", StringComparison.Ordinal), $"the {name} logs socket {target} ended a connection from peer address 127.0.0.3: {peerEnd}");
        }));
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

    [Fact]
    public async Task LogsSocketNotAtThePeersAddress_ExitsWithCode1_NamingTheKey()
    {
        // Node 1 is reached at 127.0.0.1, but would listen at 127.0.0.7: the others could never reach it.
        await using var cluster = TestCluster.Create();
        var member = cluster.Members[0];
        var config = cluster.Config(0).Replace(
            $"raft_stick_table_logs_bind_socket = \"{member.Address}:", "raft_stick_table_logs_bind_socket = \"127.0.0.7:", StringComparison.Ordinal);
        var path = Path.Combine(cluster.Directory.Path, "elsewhere.toml");
        await File.WriteAllTextAsync(path, config);
        var environment = member.Environment();
        environment["TCPFFEE_CONFIG_PATH"] = path;
        var result = await ServerProcess.RunAsync([], environment, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        Assert.Contains($"cannot start: raft_stick_table_logs_bind_socket is 127.0.0.7:{cluster.Ports.StickTableLogs}, but the other peers reach this one at 127.0.0.1", result.StandardError, StringComparison.Ordinal);
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
    /// Connects from 127.0.0.9, sends a Raft request, and tells how the connection ends. A reset can beat the connect
    /// call's own completion, or the send: the kernel finishes the handshake, the proxy accepts and closes at once.
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
            try
            {
                var request = $"POST /cluster-consensus/raft HTTP/1.1\r\nHost: {target}\r\nX-Raft-Message-Type: Metadata\r\nContent-Length: 0\r\n\r\n";
                await stranger.SendAsync(System.Text.Encoding.ASCII.GetBytes(request));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
            {
                return "reset";
            }

            return await ReceiveEndAsync(stranger);
        }
    }

    /// <summary>Reads one HTTP answer: its head, and a body as long as its Content-Length says.</summary>
    private static async Task<string> ReadAnswerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = System.Text.Encoding.ASCII.GetString([.. received]);
            var head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (head >= 0)
            {
                var length = System.Text.RegularExpressions.Regex.Match(text[..head], @"(?im)^content-length:\s*(\d+)");
                if (!length.Success || text.Length - head - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                {
                    return text;
                }
            }

            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return text;
            }

            received.AddRange(buffer.AsSpan(0, read));
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
