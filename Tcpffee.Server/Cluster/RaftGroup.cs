using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Tcpffee.Cluster;

/// <summary>
/// One Raft group (health, or the stick table): dotNext's TCP transport on the logs socket, a write-ahead log with a
/// state machine under the data directory, and a proposals socket where the leader takes commands from followers.
/// </summary>
internal sealed partial class RaftGroup : IAsyncDisposable
{
    private readonly ClusterTopology _topology;
    private readonly IReplicatedState _state;
    private RaftCluster? _cluster;
    private readonly ProposalServer _proposals;
    private readonly ProposalConnectionPool _pool = new();
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _lastContact = new();
    private readonly TimeProvider _time;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger _logger;
    private RaftStorage? _storage;
    private readonly RaftCluster.CustomTransportConfiguration _configuration;
    private readonly PeerConnector _connector;
    private readonly string _directory;

    public RaftGroup(
        string name, ClusterTopology topology, IPEndPoint logsBind, IPEndPoint proposalsBind, IReplicatedState state,
        string dataDir, ClusterTimingOptions timings, TimeProvider time, ClusterMetrics metrics, ILoggerFactory loggers)
    {
        Name = name;
        _topology = topology;
        _state = state;
        _time = time;
        _metrics = metrics;
        _logger = loggers.CreateLogger($"Tcpffee.Cluster.{name}");
        ProposalsPort = proposalsBind.Port;

        _directory = Path.Combine(dataDir, name);

        // Kestrel's socket transport rather than dotNext's own TCP server, so that only peers get through.
        var listeners = new PeerOnlyListenerFactory(
            new SocketTransportFactory(Options.Create(new SocketTransportOptions { NoDelay = true }), loggers),
            topology,
            (bind, remote) => LogRefused(Name, bind, remote));
        _connector = new PeerConnector(loggers);
        _configuration = new RaftCluster.CustomTransportConfiguration(logsBind, listeners, _connector)
        {
            PublicEndPoint = topology.Self.On(logsBind.Port),
            ConfigurationStorage = null,

            // Static membership: every node starts from the same list, so none may form a cluster on its own.
            ColdStart = false,
            LowerElectionTimeout = (int)timings.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)timings.UpperElectionTimeout.TotalMilliseconds,

            // Followers apply a commit at the next heartbeat; 30 ms keeps returning clients on a fresh replica.
            HeartbeatThreshold = 0.2,
            LoggerFactory = new RateLimitedLoggerFactory(loggers, time),
        };
        var storage = (InMemoryClusterConfigurationStorage<EndPoint>)_configuration.ConfigurationStorage!;
        var members = storage.CreateInitialConfigurationBuilder();
        foreach (var peer in topology.Peers)
        {
            members.Add(peer.On(logsBind.Port));
        }

        members.Build();
        _proposals = new ProposalServer(proposalsBind, topology, HandleAsync, _logger);
    }

    public string Name { get; }

    public int ProposalsPort { get; }

    /// <summary>Gets whether this node leads the group now.</summary>
    public bool IsLeader => _cluster?.Leader is { IsRemote: false };

    /// <summary>Gets the current leader's logs endpoint, or null during an election.</summary>
    public IPEndPoint? Leader => _cluster?.Leader?.EndPoint as IPEndPoint;

    public long Term => _cluster?.Term ?? 0;

    public long CommitIndex => _storage?.Log.LastCommittedEntryIndex ?? 0;

    public long AppliedIndex => _storage?.Log.LastAppliedIndex ?? 0;

    /// <summary>Raised with the new leader's endpoint (or null) whenever leadership changes.</summary>
    public event Action<IPEndPoint?>? LeaderChanged;

    public async Task StartAsync(CancellationToken cancellation)
    {
        _storage = await RaftStorage.OpenAsync(_directory, _state, cancellation).ConfigureAwait(false);
        _cluster = new RaftCluster(_configuration) { AuditTrail = _storage.Log };
        _cluster.LeaderChanged += OnLeaderChanged;
        _proposals.Start();
        await _cluster.StartAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The members as this node sees them now.</summary>
    public IReadOnlyList<RaftPeerStatus> PeerStatuses()
    {
        var now = _time.GetUtcNow();
        var leader = Leader;
        var list = new List<RaftPeerStatus>();
        foreach (var member in Cluster.Members)
        {
            var endPoint = (IPEndPoint)member.EndPoint;
            var reachable = !member.IsRemote || member.Status == ClusterMemberStatus.Available;
            if (reachable)
            {
                _lastContact[endPoint.Address] = now;
            }

            list.Add(new RaftPeerStatus(
                endPoint, !member.IsRemote, reachable, endPoint.Equals(leader),
                _lastContact.TryGetValue(endPoint.Address, out var seen) ? seen : null));
        }

        return list;
    }

    /// <summary>Completes with the exception when the write-ahead log has faulted and the node can no longer take part.</summary>
    public async Task<Exception> WaitForFaultAsync(CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                // Returns at once while the log is healthy, and throws at once once it has faulted.
                await _storage!.Log.WaitForApplyAsync(_storage.Log.LastAppliedIndex, cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested && ex is not OperationCanceledException)
            {
                return ex;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellation).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellation)
    {
        await _proposals.DisposeAsync().ConfigureAwait(false);
        if (_cluster is not null)
        {
            _cluster.LeaderChanged -= OnLeaderChanged;
            await _cluster.StopAsync(cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _proposals.DisposeAsync().ConfigureAwait(false);
        _pool.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }

        _connector.Dispose();
    }

    private RaftCluster Cluster => _cluster ?? throw new InvalidOperationException($"Raft group {Name} has not started.");

    private void OnLeaderChanged(ICluster cluster, IClusterMember? leader)
    {
        var endPoint = leader?.EndPoint as IPEndPoint;
        _metrics.LeaderChanged(Name);
        LogLeaderChanged(Name, endPoint, Term);
        LeaderChanged?.Invoke(endPoint);
    }

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Raft group {Group}: logs socket {Bind} refused {Remote}, which is not a peer")]
    private partial void LogRefused(string group, System.Net.EndPoint bind, System.Net.EndPoint? remote);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Raft group {Group}: leader is now {Leader} (term {Term}; none means an election)")]
    private partial void LogLeaderChanged(string group, IPEndPoint? leader, long term);
}
