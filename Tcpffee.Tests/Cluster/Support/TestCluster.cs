using System.Globalization;
using System.Text;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>What a test cluster looks like.</summary>
internal sealed record ClusterOptions
{
    public int Nodes { get; init; } = 3;

    /// <summary>Groups 0 to Groups - 1, each with one backend on 127.0.0.1 that answers with its name (<c>group-ID</c>).</summary>
    public int Groups { get; init; } = 3;

    public int ExpirationSeconds { get; init; } = 3600;

    /// <summary>TCPFFEE_LOG for every node (env_logger directives), e.g. <c>info,Tcpffee.Proxy=debug</c> to see every routing decision.</summary>
    public string? Log { get; init; }

    /// <summary>Each node runs with a group id of its own, so that a <see cref="NetworkCut"/> can tell its packets apart.</summary>
    public bool Cuttable { get; init; }

    /// <summary>When set, each node's data directory is a tmpfs of this many bytes, which a test can fill.</summary>
    public long? DataDiskBytes { get; init; }

    /// <summary>TOML appended to one node's config, given the node's index and the backends (health checks that differ per node).</summary>
    public Func<int, IReadOnlyList<NamedBackend>, string>? Extra { get; init; }
}

/// <summary>
/// Three (by default) proxies as child processes forming one cluster on 127.0.0.1, .2 and .3, each with its own config
/// and files in one temp directory, in front of one named backend per group. <see cref="StartAsync"/> returns once every
/// node sees the same leader for both Raft groups; disposing kills every node.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private const int Attempts = 3;
    private const int FirstClient = 50;
    private readonly List<NamedBackend> _backends;
    private readonly ClusterOptions _options;
    private readonly List<string> _mounted = [];
    private int _nextClient = FirstClient;

    private TestCluster(ClusterOptions options, List<NamedBackend> backends, ClusterPorts ports)
    {
        _options = options;
        _backends = backends;
        Ports = ports;
        Directory = new TempDirectory();
        var firstGroupId = options.Cuttable ? Interlocked.Add(ref s_nextGroupId, options.Nodes) - options.Nodes : 0;
        Members = [.. Enumerable.Range(0, options.Nodes).Select(i =>
        {
            var directory = System.IO.Directory.CreateDirectory(Directory.Combine($"node{i + 1}")).FullName;
            var config = Path.Combine(directory, "tcpffee.toml");
            File.WriteAllText(config, Config(i));
            return new ClusterMember(i, ports, directory, config, options.Log, options.Cuttable ? firstGroupId + i : null);
        })];
    }

    /// <summary>
    /// The group id of node 1 of the next cuttable cluster; its other nodes take the ids after it. Every cuttable
    /// cluster of the test run gets ids of its own, so clusters that cut side by side never drop each other's packets.
    /// </summary>
    private static int s_nextGroupId = 64_200;

    public ClusterPorts Ports { get; }

    public TempDirectory Directory { get; }

    public IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>The backend of each group, by group id.</summary>
    public IReadOnlyList<NamedBackend> Backends => _backends;

    public static string BackendName(int group) => string.Create(CultureInfo.InvariantCulture, $"group-{group}");

    public static int GroupOf(string backendName) =>
        backendName.StartsWith("group-", StringComparison.Ordinal)
            ? int.Parse(backendName["group-".Length..], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"'{backendName}' is not one of the backends");

    /// <summary>The stick key (IP key type) of client 127.0.0.<paramref name="source"/>, as the API writes it.</summary>
    public static string KeyOf(int source) => TestClient.Source(source).ToString();

    /// <summary>Starts the backends and writes every node's files, on ports free now; starts no node.</summary>
    public static TestCluster Create(ClusterOptions? options = null)
    {
        options ??= new ClusterOptions();
        var backends = Enumerable.Range(0, options.Groups).Select(g => NamedBackend.Start(BackendName(g))).ToList();
        return new TestCluster(options, backends, ClusterPorts.Find(options.Nodes));
    }

    /// <summary>Starts the backends and the nodes and waits until the cluster has formed.</summary>
    public static async Task<TestCluster> StartAsync(ClusterOptions? options = null)
    {
        var cluster = Create(options);
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                cluster = new TestCluster(cluster._options, cluster._backends, ClusterPorts.Find(cluster._options.Nodes));
            }

            try
            {
                await cluster.MountDataDisksAsync();
                foreach (var member in cluster.Members)
                {
                    member.Start();
                }

                await Task.WhenAll(cluster.Members.Select(m => m.WaitStartedAsync()));
                await cluster.WaitFormedAsync();
                return cluster;
            }
            catch (InvalidOperationException) when (attempt < Attempts && cluster.LostPortRace())
            {
                // Another process took one of the ports between the bind test and a node's bind: try other ports.
                await cluster.DisposeNodesAsync();
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                var logs = cluster.Logs();
                await cluster.DisposeAsync();
                throw new InvalidOperationException($"the cluster did not start: {ex.Message}{System.Environment.NewLine}{logs}", ex);
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The config file of node <paramref name="index"/>.</summary>
    public string Config(int index)
    {
        var address = ClusterPorts.NodeAddress(index);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            bind_addr = "{address}"
            stats_bind_socket = "{address}:{Ports.Stats}"
            raft_healthchecks_logs_bind_socket = "{address}:{Ports.HealthchecksLogs}"
            raft_stick_table_logs_bind_socket = "{address}:{Ports.StickTableLogs}"
            raft_healthchecks_proposals_bind_socket = "{address}:{Ports.HealthchecksProposals}"
            raft_stick_table_proposals_bind_socket = "{address}:{Ports.StickTableProposals}"
            ports = [ {Ports.Proxy} ]
            expiration = {_options.ExpirationSeconds}
            shutdown_timeout = 1

            """));
        for (var group = 0; group < _backends.Count; group++)
        {
            text.Append(CultureInfo.InvariantCulture, $"[groups.{group}]\nportmap = {{ {Ports.Proxy} = \"{_backends[group].EndPoint}\" }}\n");
        }

        for (var peer = 0; peer < _options.Nodes; peer++)
        {
            text.Append(CultureInfo.InvariantCulture, $"[[peers]]\nhost = \"{ClusterPorts.NodeAddress(peer)}\"\nmac_address = \"{ClusterMember.MacOf(peer)}\"\n");
        }

        if (_options.Extra is not null)
        {
            text.Append('\n').Append(_options.Extra(index, _backends)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A client address (127.0.0.N, from 50 on) no earlier call returned, so a new stick key.</summary>
    public int NewClient() =>
        _nextClient <= 254 ? _nextClient++ : throw new InvalidOperationException("out of client addresses (127.0.0.50 to 127.0.0.254)");

    /// <summary>The running members other than <paramref name="excluded"/>.</summary>
    public IReadOnlyList<ClusterMember> Except(params ClusterMember[] excluded) => [.. Members.Where(m => !excluded.Contains(m))];

    /// <summary>
    /// Waits until every one of <paramref name="members"/> (all by default) sees the same leader for both Raft groups,
    /// that leader is one of them, and none is in fallback.
    /// </summary>
    public async Task WaitFormedAsync(IReadOnlyList<ClusterMember>? members = null, TimeSpan? timeout = null)
    {
        members ??= Members;
        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var statuses = await Task.WhenAll(members.Select(m => m.ClusterAsync()));
                last = string.Join(System.Environment.NewLine, statuses.Select((s, i) => $"{members[i].Name}: {s}"));
                return statuses.All(s => !s.Fallback)
                    && Agree(members, statuses, RaftGroupStatus.StickTableName, m => m.StickTableLogs)
                    && Agree(members, statuses, RaftGroupStatus.HealthchecksName, m => m.HealthchecksLogs);
            },
            $"{string.Join(", ", members.Select(m => m.Name))} agree on the leaders of both Raft groups, none in fallback",
            timeout,
            diagnostics: () => $"last seen:{System.Environment.NewLine}{last}{System.Environment.NewLine}{Logs()}",
            notYet: Eventually.IsRequestFailure);
    }

    /// <summary>The stick table group's leader, once the cluster has formed.</summary>
    public async Task<ClusterMember> StickLeaderAsync()
    {
        var running = Members.Where(m => m.IsRunning).ToList();
        await WaitFormedAsync(running);
        var leader = (await running[0].ClusterAsync()).StickTable.Leader;
        return Members.Single(m => m.StickTableLogs == leader);
    }

    /// <summary>Connects <paramref name="count"/> new clients, spread over <paramref name="through"/> (every node by default); returns the backend each reached.</summary>
    public async Task<Dictionary<int, string>> ConnectNewClientsAsync(int count, IReadOnlyList<ClusterMember>? through = null)
    {
        through ??= Members;
        var reached = new Dictionary<int, string>();
        for (var i = 0; i < count; i++)
        {
            var source = NewClient();
            reached[source] = await through[i % through.Count].AskAsync(source);
        }

        return reached;
    }

    /// <summary>Waits until the stick table of every one of <paramref name="members"/> (all by default) holds every key with its backend's group.</summary>
    public async Task WaitReplicatedAsync(IReadOnlyDictionary<int, string> expected, IReadOnlyList<ClusterMember>? members = null, TimeSpan? timeout = null)
    {
        members ??= Members;
        var last = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var problems = new List<string>();
                foreach (var member in members)
                {
                    var table = (await member.StickTableAsync()).ToDictionary(e => e.Key, e => e.Group);
                    foreach (var (source, backend) in expected)
                    {
                        var found = table.TryGetValue(KeyOf(source), out var group) ? group.ToString(CultureInfo.InvariantCulture) : "none";
                        if (found != GroupOf(backend).ToString(CultureInfo.InvariantCulture))
                        {
                            problems.Add($"{member.Name}: {KeyOf(source)} -> {found}, expected {GroupOf(backend)}");
                        }
                    }
                }

                last = string.Join(System.Environment.NewLine, problems);
                return problems.Count == 0;
            },
            $"every stick table holds the {expected.Count} keys with their groups",
            diagnostics: () => $"last differences:{System.Environment.NewLine}{last}{System.Environment.NewLine}{Logs()}", notYet: Eventually.IsRequestFailure,
            timeout: timeout);
    }

    /// <summary>Waits until each of <paramref name="sources"/> reaches the same backend through every node.</summary>
    public async Task WaitOneGroupEverywhereAsync(IEnumerable<int> sources, string who)
    {
        var split = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var problems = new List<string>();
                foreach (var source in sources)
                {
                    var reached = new List<string>();
                    foreach (var member in Members)
                    {
                        reached.Add(await member.AskAsync(source));
                    }

                    if (reached.Distinct().Count() != 1)
                    {
                        problems.Add($"{KeyOf(source)}: {string.Join(", ", reached)}");
                    }
                }

                split = string.Join(System.Environment.NewLine, problems);
                return problems.Count == 0;
            },
            $"every client {who} reaches one group through all {Members.Count} proxies",
            diagnostics: () => $"still split:{System.Environment.NewLine}{split}{System.Environment.NewLine}{Logs()}",
            notYet: Eventually.IsRequestFailure);
    }

    /// <summary>The tails of every node's output.</summary>
    public string Logs() => string.Join(System.Environment.NewLine, Members.Select(m => m.Tail()));

    public async ValueTask DisposeAsync()
    {
        await DisposeNodesAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    private static bool Agree(IReadOnlyList<ClusterMember> members, ClusterStatus[] statuses, string group, Func<ClusterMember, string> endPoint)
    {
        var leaders = statuses.Select(s => s.Group(group).Leader).Distinct().ToList();
        return leaders is [{ } leader] && members.Any(m => endPoint(m) == leader);
    }

    private bool LostPortRace() =>
        Members.Any(m => m.WasStarted && (m.Process.StandardError + m.Process.StandardOutput).Contains("address already in use", StringComparison.OrdinalIgnoreCase));

    private async Task MountDataDisksAsync()
    {
        if (_options.DataDiskBytes is not { } bytes)
        {
            return;
        }

        foreach (var member in Members)
        {
            System.IO.Directory.CreateDirectory(member.DataDirectory);
            await Command.CheckAsync(
                "mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes}"), "tcpffee-test", member.DataDirectory);
            _mounted.Add(member.DataDirectory);
        }
    }

    private async Task DisposeNodesAsync()
    {
        foreach (var member in Members)
        {
            await member.DisposeAsync();
        }

        // The processes are gone, so nothing holds the disks any more.
        foreach (var mount in _mounted)
        {
            await Command.RunAsync("umount", [mount]);
        }

        _mounted.Clear();
        Directory.Dispose();
    }
}
