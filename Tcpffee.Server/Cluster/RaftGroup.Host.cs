using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Http;
using DotNext.Net.Cluster.Messaging;
using DotNext.Net.Http;

namespace Tcpffee.Cluster;

// The group's own ASP.NET Core host: one RaftHttpCluster fits in one container, so each group has one.
internal sealed partial class RaftGroup
{
    /// <summary>
    /// The HTTP timeout of every request between peers, forwarded commands included; well above a commit's p99 (a few
    /// ms, a second across an election), because dotNext sends a timed-out command again.
    /// </summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private WebApplication BuildHost(RaftStorage storage)
    {
        // Nothing from the environment or the process's configuration: the group host is wholly set up here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = $"tcpffee-raft-{Name}",
            ContentRootPath = _directory,
            Args = [],
        });

        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;

            // Only peers get through, and the log entries a lagging follower catches up with can be large.
            k.Limits.MaxRequestBodySize = null;
            k.Listen(_logsBind, listen =>
            {
                // HTTP/1.1: dotNext's HTTP/2 needs an exact version policy, and measured no faster.
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(new PeerConnectionFilter(_topology, remote => Refused(remote)).Apply);
            });
        });

        var raftLoggers = new RateLimitedLoggerFactory(new GroupLoggerFactory(_loggers, Name), _time, new RaftWarningLevels(() => IsStarting));
        var self = _topology.Self.RaftUri(_logsBind.Port);
        var services = builder.Services;
        services.AddLogging();
        services.AddSingleton<ILoggerFactory>(raftLoggers);

        // SIGTERM belongs to tcpffee's own host; this one is started and stopped by the cluster service.
        services.AddSingleton<IHostLifetime, ExternallyStoppedLifetime>();
        services.AddSingleton<IExceptionHandler>(new RaftRequestFailureHandler(Name, raftLoggers.CreateLogger<RaftRequestFailureHandler>()));
        services.AddSingleton<IPersistentState>(storage.Log);
        services.AddSingleton<IInputChannel>(new ProposalChannel(this));
        services.UseInMemoryConfigurationStorage(members =>
        {
            foreach (var uri in _members.Keys)
            {
                members.Add(new UriEndPoint(uri));
            }
        });
        services.ConfigureLocalNode(c =>
        {
            c.PublicEndPoint = self;

            // Static membership: every node starts from the same list, so none may form a cluster on its own.
            c.ColdStart = false;
            c.LowerElectionTimeout = (int)_timings.LowerElectionTimeout.TotalMilliseconds;
            c.UpperElectionTimeout = (int)_timings.UpperElectionTimeout.TotalMilliseconds;
            c.RpcTimeout = _timings.UpperElectionTimeout / 2;
            c.RequestTimeout = RequestTimeout > _timings.UpperElectionTimeout ? RequestTimeout : _timings.UpperElectionTimeout;

            // Followers apply a commit at the next heartbeat; 30 ms keeps returning clients on a fresh replica.
            c.HeartbeatThreshold = 0.2;
            c.ProtocolVersion = HttpProtocolVersion.Http1;
        });

        var app = builder.Build();
        app.UseConsensusProtocolHandler();
        return app;
    }

    private void Refused(System.Net.EndPoint? remote)
    {
        _metrics.Refused(Name);
        LogRefused(Name, _logsBind, remote);
    }

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Raft group {Group}: logs socket {Bind} refused {Remote}, which is not a peer")]
    private partial void LogRefused(string group, IPEndPoint bind, System.Net.EndPoint? remote);
}
