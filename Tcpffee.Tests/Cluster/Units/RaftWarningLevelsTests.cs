// The Raft library logs through the plain extension methods with message templates; these tests do the same.
#pragma warning disable CA1848, CA1873

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Cluster;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>
/// The levels of the Raft groups' warnings: information while a group is starting and for a leader's replication
/// retry, warnings otherwise, and still one line per text per minute.
/// </summary>
public sealed class RaftWarningLevelsTests : IDisposable
{
    private const string Category = "DotNext.Net.Cluster.Consensus.Raft.Http.RaftHttpCluster";
    private const string Unavailable = "Cluster member {Member} is unavailable";
    private const string Peer = "http://10.0.0.2:5392/";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _capture = new();
    private readonly ILoggerFactory _inner;
    private readonly RateLimitedLoggerFactory _factory;
    private readonly ILogger _logger;
    private bool _starting = true;

    public RaftWarningLevelsTests()
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

    [Fact]
    public void Warning_WhileStarting_WrittenAsInformation_StillOncePerMinute()
    {
        for (var i = 0; i < 5; i++)
        {
            _logger.LogWarning(Unavailable, Peer);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var line = Assert.Single(_capture.Entries);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith($"Cluster member {Peer} is unavailable", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_OnceStarted_AWarning_AtOnceEvenIfTheSameTextWasWrittenWhileStarting()
    {
        _logger.LogWarning(Unavailable, Peer);
        _starting = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        _logger.LogWarning(Unavailable, Peer);
        _logger.LogWarning(Unavailable, Peer);

        Assert.Equal([LogLevel.Information, LogLevel.Warning], _capture.Entries.Select(e => e.Level));
    }

    [Fact]
    public void ReplicationRetry_OnceStarted_WrittenAsInformation_OtherWarningsStayWarnings()
    {
        _starting = false;

        _logger.LogWarning(RaftWarningLevels.ReplicationRetry, Peer, 1);
        _logger.LogWarning("Replication of {Member} contains {LogEntries} entries", Peer, 3);
        _logger.LogError("Replication of {Member} is failed. Retry replication from entry {EntryIndex}", Peer, 2);

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
        _logger.LogError(Unavailable, Peer);

        Assert.Equal(LogLevel.Error, Assert.Single(_capture.Entries).Level);
    }
}
