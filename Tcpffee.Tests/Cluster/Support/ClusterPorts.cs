using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// The port numbers one cluster uses. Peers reach each other at their host on the same numbers, so every number must
/// be free on every node's address at once.
/// </summary>
/// <param name="Base">The first port; the others follow it.</param>
internal sealed record ClusterPorts(int Base)
{
    /// <summary>How many consecutive ports a cluster takes.</summary>
    public const int Count = 6;

    public int Stats => Base;

    public int HealthchecksLogs => Base + 1;

    public int StickTableLogs => Base + 2;

    public int HealthchecksProposals => Base + 3;

    public int StickTableProposals => Base + 4;

    public int Proxy => Base + 5;

    /// <summary>
    /// A base such that <paramref name="count"/> consecutive ports are free on every one of <paramref name="addresses"/>,
    /// found by binding them all at once. It lies outside the kernel's ephemeral range, so no outgoing connection (a
    /// client, a probe, a Raft peer) can take one of these ports between the test and the proxy's bind, nor while a
    /// killed proxy is being restarted.
    /// </summary>
    public static int FindBase(int count, IReadOnlyList<IPAddress> addresses)
    {
        var (low, high) = EphemeralRange();
        var ranges = new List<(int From, int To)>();
        if (low - count > 10_000)
        {
            ranges.Add((10_000, low - count));
        }

        if (65_535 - count > high + 1)
        {
            ranges.Add((high + 1, 65_535 - count));
        }

        for (var attempt = 0; attempt < 500; attempt++)
        {
            var (from, to) = ranges[Random.Shared.Next(ranges.Count)];
            var candidate = Random.Shared.Next(from, to + 1);
            if (AllFree(candidate, count, addresses))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive ports are free on {string.Join(", ", addresses)}");
    }

    /// <summary>Finds a base free on 127.0.0.1 to 127.0.0.<paramref name="nodes"/>.</summary>
    public static ClusterPorts Find(int nodes) => new(FindBase(Count, [.. Enumerable.Range(1, nodes).Select(NodeAddress)]));

    /// <summary>The address of node <paramref name="index"/> (0-based): 127.0.0.(index + 1).</summary>
    public static IPAddress NodeAddress(int index) => new([127, 0, 0, (byte)(index + 1)]);

    private static bool AllFree(int first, int count, IReadOnlyList<IPAddress> addresses)
    {
        var held = new List<Socket>();
        try
        {
            foreach (var address in addresses)
            {
                for (var port = first; port < first + count; port++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    held.Add(socket);
                    socket.Bind(new IPEndPoint(address, port));
                }
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }

    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32_768, 60_999);
        }
    }
}
