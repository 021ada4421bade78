// The Raft library logs through the plain extension methods with message templates; these tests do the same.
#pragma warning disable CA1848, CA1873

using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Cluster;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>
/// The logger handed to the Raft library: one line per warning text per minute, without the stack trace, at the level
/// <see cref="RaftWarningLevels"/> gives it (information while the group is starting, and for a replication retry).
/// </summary>
public sealed class RateLimitedLoggerFactoryTests : IDisposable
{
    private const string Category = "DotNext.Net.Cluster.Consensus.Raft.RaftCluster";

    private const string Unavailable = "Cluster member {Member} is unavailable";
    private const string HttpPeer = "http://10.0.0.2:5392/";

    private static readonly string[] ThreePeers = ["Member 10.0.0.2:5391", "Member 10.0.0.3:5391", "Member [2001:db8::4]:5391"];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _capture = new();
    private readonly ILoggerFactory _inner;
    private readonly RateLimitedLoggerFactory _factory;
    private readonly ILogger _logger;
    private bool _starting;

    public RateLimitedLoggerFactoryTests()
    {
        _inner = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(_capture));
        _factory = new RateLimitedLoggerFactory(_inner, _time, new RaftWarningLevels(() => _starting));
        _logger = _factory.CreateLogger(Category);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _inner.Dispose();
    }

    /// <summary>An exception with a real stack trace and an inner cause, as a failed heartbeat has.</summary>
    private static InvalidOperationException PeerDown()
    {
        try
        {
            try
            {
                throw new SocketException((int)SocketError.ConnectionRefused);
            }
            catch (SocketException inner)
            {
                throw new InvalidOperationException("The member is unavailable", inner);
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    private void WarnPeerDown(string peer, ILogger? logger = null) =>
        (logger ?? _logger).LogWarning(PeerDown(), "Member {Peer} is unavailable", peer);

    [Fact]
    public void Warning_RepeatedWithinAMinute_WrittenOnce()
    {
        for (var i = 0; i < 6; i++)
        {
            WarnPeerDown("10.0.0.2:5391");
            _time.Advance(TimeSpan.FromSeconds(9));
        }

        var line = Assert.Single(_capture.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.StartsWith("Member 10.0.0.2:5391 is unavailable", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_RepeatedAfterAMinute_WrittenAgain()
    {
        WarnPeerDown("10.0.0.2:5391");
        _time.Advance(RateLimitedLoggerFactory.Interval - TimeSpan.FromMilliseconds(1));
        WarnPeerDown("10.0.0.2:5391");
        var withinTheMinute = _capture.Entries.Count;

        _time.Advance(TimeSpan.FromMilliseconds(1));
        WarnPeerDown("10.0.0.2:5391");
        _time.Advance(TimeSpan.FromSeconds(30));
        WarnPeerDown("10.0.0.2:5391");
        _time.Advance(TimeSpan.FromSeconds(30));
        WarnPeerDown("10.0.0.2:5391");

        Assert.Equal(1, withinTheMinute);
        Assert.Equal(3, _capture.Entries.Count);
    }

    [Fact]
    public void Warning_ManyDistinctTexts_ThoseOlderThanAMinuteAreForgotten_RecentOnesStaySuppressed()
    {
        for (var entry = 0; entry < 300; entry++)
        {
            _logger.LogWarning("Replication of 10.0.0.2:5391 is failed. Retry replication from entry {Entry}", entry);
        }

        _time.Advance(RateLimitedLoggerFactory.Interval);
        WarnPeerDown("10.0.0.2:5391");
        _time.Advance(TimeSpan.FromSeconds(1));
        _logger.LogWarning("Replication of 10.0.0.2:5391 is failed. Retry replication from entry {Entry}", 300);
        WarnPeerDown("10.0.0.2:5391");

        Assert.Equal(2, _factory.Remembered);
        Assert.Equal(302, _capture.Entries.Count);
    }

    [Fact]
    public void Warning_DifferentPeers_EachWrittenOnce()
    {
        for (var i = 0; i < 4; i++)
        {
            WarnPeerDown("10.0.0.2:5391");
            WarnPeerDown("10.0.0.3:5391");
            WarnPeerDown("[2001:db8::4]:5391");
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(
            ThreePeers,
            _capture.Entries.Select(l => l.Message.Split(" is ")[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Warning_SameTextFromTwoCategories_WrittenOnce()
    {
        var other = _factory.CreateLogger("DotNext.Net.Cluster.Consensus.Raft.Tcp.TcpServer");

        WarnPeerDown("10.0.0.2:5391");
        WarnPeerDown("10.0.0.2:5391", other);

        Assert.Equal(Category, Assert.Single(_capture.Entries).Category);
    }

    [Fact]
    public void Warning_Written_NoStackTraceButTheCauseAndTheSuppressionNote()
    {
        WarnPeerDown("10.0.0.2:5391");

        var line = Assert.Single(_capture.Entries);
        Assert.Null(line.Exception);
        Assert.Equal(Category, line.Category);
        Assert.Contains("Member 10.0.0.2:5391 is unavailable", line.Message, StringComparison.Ordinal);
        Assert.Contains(new SocketException((int)SocketError.ConnectionRefused).Message, line.Message, StringComparison.Ordinal);
        Assert.Contains("suppressed for a minute", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(PeerDown), line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_WithoutException_CauseIsADash()
    {
        _logger.LogWarning("Election timeout elapsed");

        Assert.Contains("(cause: -;", Assert.Single(_capture.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_Repeated_LimitedLikeWarnings()
    {
        for (var i = 0; i < 3; i++)
        {
            _logger.LogError(PeerDown(), "Replication to {Peer} failed", "10.0.0.2:5391");
        }

        var line = Assert.Single(_capture.Entries);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Null(line.Exception);
    }

    [Theory]
    [InlineData(LogLevel.Trace)]
    [InlineData(LogLevel.Debug)]
    [InlineData(LogLevel.Information)]
    public void BelowWarning_Repeated_EveryLinePassesThroughUnchanged(LogLevel level)
    {
        var exception = PeerDown();
        for (var i = 0; i < 5; i++)
        {
            _logger.Log(level, exception, "Member {Peer} is unavailable", "10.0.0.2:5391");
        }

        Assert.Equal(5, _capture.Entries.Count);
        Assert.All(_capture.Entries, l => Assert.Equal(
            (Category, level, default(EventId), "Member 10.0.0.2:5391 is unavailable", exception),
            (l.Category, l.Level, l.EventId, l.Message, l.Exception)));
    }

    [Fact]
    public void Information_BetweenSuppressedWarnings_NotSuppressedAndDoesNotResetTheMinute()
    {
        WarnPeerDown("10.0.0.2:5391");
        _logger.LogInformation("Member {Peer} is unavailable", "10.0.0.2:5391");
        _time.Advance(TimeSpan.FromSeconds(30));
        WarnPeerDown("10.0.0.2:5391");
        _logger.LogInformation("Member {Peer} is unavailable", "10.0.0.2:5391");
        _time.Advance(TimeSpan.FromSeconds(30));
        WarnPeerDown("10.0.0.2:5391");

        Assert.Equal(
            new[] { LogLevel.Warning, LogLevel.Information, LogLevel.Information, LogLevel.Warning },
            _capture.Entries.Select(l => l.Level));
    }

    [Fact]
    public void Warning_WhileStarting_WrittenAsInformation_StillOncePerMinute()
    {
        _starting = true;
        for (var i = 0; i < 5; i++)
        {
            _logger.LogWarning(Unavailable, HttpPeer);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var line = Assert.Single(_capture.Entries);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith($"Cluster member {HttpPeer} is unavailable", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_OnceStarted_AWarning_AtOnceEvenIfTheSameTextWasWrittenWhileStarting()
    {
        _starting = true;
        _logger.LogWarning(Unavailable, HttpPeer);
        _starting = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        _logger.LogWarning(Unavailable, HttpPeer);
        _logger.LogWarning(Unavailable, HttpPeer);

        Assert.Equal([LogLevel.Information, LogLevel.Warning], _capture.Entries.Select(e => e.Level));
    }

    [Fact]
    public void ReplicationRetry_OnceStarted_WrittenAsInformation_OtherWarningsStayWarnings()
    {
        _logger.LogWarning(RaftWarningLevels.ReplicationRetry, HttpPeer, 1);
        _logger.LogWarning("Replication of {Member} contains {LogEntries} entries", HttpPeer, 3);
        _logger.LogError("Replication of {Member} is failed. Retry replication from entry {EntryIndex}", HttpPeer, 2);

        Assert.Equal([LogLevel.Information, LogLevel.Warning, LogLevel.Error], _capture.Entries.Select(e => e.Level));
    }

    [Fact]
    public void ReplicationRetry_IsDotNextsTemplate()
    {
        // The template is matched as text: if the library words it otherwise, this fails before operators see warnings again.
        var assembly = typeof(DotNext.Net.Cluster.Consensus.Raft.IRaftCluster).Assembly;
        var image = File.ReadAllBytes(assembly.Location);
        Assert.True(
            image.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(RaftWarningLevels.ReplicationRetry)) >= 0,
            $"{assembly.GetName().Name} {assembly.GetName().Version} has no template \"{RaftWarningLevels.ReplicationRetry}\"");
    }

    [Fact]
    public void Error_WhileStarting_StaysAnError()
    {
        _starting = true;
        _logger.LogError(Unavailable, HttpPeer);

        Assert.Equal(LogLevel.Error, Assert.Single(_capture.Entries).Level);
    }
}
