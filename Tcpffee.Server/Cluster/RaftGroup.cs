using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Connections;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Messaging;

namespace Tcpffee.Cluster;

/// <summary>
/// One Raft group (health, or the stick table): dotNext's ASP.NET Core cluster middleware in a host of its own on the
/// group's logs socket, over a write-ahead log with a state machine under the data directory. Commands reach the leader
/// through dotNext's message bus, on the same socket.
/// </summary>
internal sealed partial class RaftGroup : IAsyncDisposable
{
    private readonly ClusterTopology _topology;
    private readonly IReplicatedState _state;
    private readonly IPEndPoint _logsBind;
    private readonly ClusterTimingOptions _timings;
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _lastContact = new();
    private readonly TimeProvider _time;
    private readonly ClusterMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly string _directory;

    /// <summary>Each member's URI, as dotNext names it, to its logs endpoint.</summary>
    private readonly FrozenDictionary<Uri, IPEndPoint> _members;

    /// <summary>
    /// How long after its start the group counts as starting at most, until it has formed: the other proxies may still
    /// be starting, so what fails meanwhile is expected (<see cref="RaftWarningLevels"/>).
    /// </summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(10);

    private long _started;

    // Whether the group has had, since this node started it, a leader while every peer was available to this node.
    private volatile bool _formed;
    private RaftStorage? _storage;
    private WebApplication? _host;
    private IRaftCluster? _cluster;
    private IMessageBus? _bus;

    public RaftGroup(
        string name, ClusterTopology topology, IPEndPoint logsBind, IReplicatedState state,
        string dataDir, ClusterTimingOptions timings, TimeProvider time, ClusterMetrics metrics, ILoggerFactory loggers)
    {
        Name = name;
        _topology = topology;
        _state = state;
        _logsBind = logsBind;
        _timings = timings;
        _time = time;
        _metrics = metrics;
        _loggers = loggers;
        _logger = loggers.CreateLogger($"Tcpffee.Cluster.{name}");
        _directory = Path.Combine(dataDir, name);
        if (!ListensAt(logsBind.Address, topology.Self.Address))
        {
            // dotNext would start, and silently never hear from the others.
            throw new InvalidOperationException(
                $"raft_{name}_logs_bind_socket is {logsBind}, but the other peers reach this one at {topology.Self.Host} ({topology.Self.Address}): " +
                $"bind it to {topology.Self.On(logsBind.Port)} or to a wildcard address (0.0.0.0 or [::])");
        }

        // Static membership: every peer at its own address on the same port number.
        _members = topology.Peers.ToFrozenDictionary(p => p.RaftUri(logsBind.Port), p => p.On(logsBind.Port));
    }

    public string Name { get; }

    /// <summary>Gets whether this node leads the group now.</summary>
    public bool IsLeader => _cluster?.Leader is { IsRemote: false };

    /// <summary>Gets the current leader's logs endpoint, or null during an election.</summary>
    public IPEndPoint? Leader => EndPointOf(_cluster?.Leader);

    public long Term => _cluster?.Term ?? 0;

    /// <summary>
    /// Gets whether the group is starting: it has not yet had a leader while every peer was available to this node,
    /// since this node started it, for at most <see cref="StartGrace"/>.
    /// </summary>
    public bool IsStarting => !_formed && _time.GetElapsedTime(_started) < StartGrace;

    /// <summary>The level of "the majority is out of reach": a warning, or information while the group is starting.</summary>
    public LogLevel OutOfReachLevel => IsStarting ? LogLevel.Information : LogLevel.Warning;

    public long CommitIndex => _storage?.Log.LastCommittedEntryIndex ?? 0;

    public long AppliedIndex => _storage?.Log.LastAppliedIndex ?? 0;

    /// <summary>Raised with the new leader's endpoint (or null) whenever leadership changes.</summary>
    public event Action<IPEndPoint?>? LeaderChanged;

    public async Task StartAsync(CancellationToken cancellation)
    {
        _started = _time.GetTimestamp();
        _storage = await RaftStorage.OpenAsync(_directory, Name, _state, cancellation).ConfigureAwait(false);
        _host = BuildHost(_storage);
        _cluster = _host.Services.GetRequiredService<IRaftCluster>();
        _bus = _host.Services.GetRequiredService<IMessageBus>();
        _cluster.LeaderChanged += OnLeaderChanged;
        await _host.StartAsync(cancellation).ConfigureAwait(false);
        foreach (var member in _cluster.Members)
        {
            member.MemberStatusChanged += OnMemberStatusChanged;
        }
    }

    /// <summary>The members as this node sees them now.</summary>
    public IReadOnlyList<RaftPeerStatus> PeerStatuses()
    {
        var now = _time.GetUtcNow();
        var leader = Leader;
        var list = new List<RaftPeerStatus>();
        foreach (var member in Cluster.Members)
        {
            if (EndPointOf(member) is not { } endPoint)
            {
                continue;
            }

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
        if (_cluster is not null)
        {
            _cluster.LeaderChanged -= OnLeaderChanged;
            foreach (var member in _cluster.Members)
            {
                member.MemberStatusChanged -= OnMemberStatusChanged;
            }
        }

        if (_host is not null)
        {
            await _host.StopAsync(cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        // The host's container did not create the log, so it is closed here, after the cluster that writes to it.
        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether a socket bound to <paramref name="bind"/> takes connections made to <paramref name="address"/>.</summary>
    private static bool ListensAt(IPAddress bind, IPAddress address)
    {
        if (bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        static IPAddress Plain(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
        return Plain(bind).Equals(Plain(address));
    }

    private IRaftCluster Cluster => _cluster ?? throw new InvalidOperationException($"Raft group {Name} has not started.");

    private IPEndPoint? EndPointOf(IClusterMember? member) => member?.EndPoint switch
    {
        UriEndPoint uri => _members.GetValueOrDefault(uri.Uri),
        IPEndPoint ip => ip,
        _ => null,
    };

    private void OnLeaderChanged(ICluster cluster, IClusterMember? leader)
    {
        var endPoint = EndPointOf(leader);
        NoteFormation();
        _metrics.LeaderChanged(Name);
        LogLeaderChanged(Name, endPoint, Term);
        LeaderChanged?.Invoke(endPoint);
    }

    private void OnMemberStatusChanged(ClusterMemberStatusChangedEventArgs change) => NoteFormation();

    /// <summary>Latches <see cref="_formed"/>; checked when the leader or a peer's status changes, never when a warning is written.</summary>
    private void NoteFormation()
    {
        if (!_formed && _cluster is { Leader: not null } cluster && cluster.Members.All(m => !m.IsRemote || m.Status == ClusterMemberStatus.Available))
        {
            _formed = true;
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Raft group {Group}: leader is now {Leader} (term {Term}; none means an election)")]
    private partial void LogLeaderChanged(string group, IPEndPoint? leader, long term);
}
