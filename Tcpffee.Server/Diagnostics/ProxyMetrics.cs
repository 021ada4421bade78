using System.Diagnostics.Metrics;

namespace Tcpffee.Diagnostics;

/// <summary>
/// The proxy's event counters (<c>tcpffee.*</c>, exported as <c>tcpffee_*</c>). Each is added to once per connection
/// or per event, never per read, so they cost nothing on the copy path.
/// </summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "Tcpffee";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _connectFailures;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _probes;
    private long _totalAccepted;
    private long _totalRejected;
    private long _totalBytesUp;
    private long _totalBytesDown;

    public ProxyMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _accepted = Meter.CreateCounter<long>("tcpffee.connections.accepted", "{connection}", "Client connections accepted, by listening port");
        _rejected = Meter.CreateCounter<long>("tcpffee.connections.rejected", "{connection}", "Client connections closed without being forwarded, by port and reason");
        _connectFailures = Meter.CreateCounter<long>("tcpffee.backend.connect_failures", "{connection}", "Backend connections that failed, by group");
        _bytes = Meter.CreateCounter<long>("tcpffee.bytes", "By", "Bytes forwarded, by group and direction (up: client to backend)");
        _reloads = Meter.CreateCounter<long>("tcpffee.reloads", "{reload}", "Configuration reloads, by result");
        _probes = Meter.CreateCounter<long>("tcpffee.health.probes", "{probe}", "Health check probes, by group, check and result");
    }

    public Meter Meter { get; }

    /// <summary>Totals since start, for the API's summary: every reason, every group, including groups a reload removed.</summary>
    public long TotalAccepted => Interlocked.Read(ref _totalAccepted);

    public long TotalRejected => Interlocked.Read(ref _totalRejected);

    public long TotalBytesUp => Interlocked.Read(ref _totalBytesUp);

    public long TotalBytesDown => Interlocked.Read(ref _totalBytesDown);

    public void Accepted(int port)
    {
        Interlocked.Increment(ref _totalAccepted);
        _accepted.Add(1, new KeyValuePair<string, object?>("port", port));
    }

    public void Rejected(int port, string reason)
    {
        Interlocked.Increment(ref _totalRejected);
        _rejected.Add(1, new KeyValuePair<string, object?>("port", port), new KeyValuePair<string, object?>("reason", reason));
    }

    public void ConnectFailed(int group) => _connectFailures.Add(1, new KeyValuePair<string, object?>("group", group));

    public void Forwarded(int group, long up, long down)
    {
        Interlocked.Add(ref _totalBytesUp, up);
        Interlocked.Add(ref _totalBytesDown, down);
        var groupTag = new KeyValuePair<string, object?>("group", group);
        _bytes.Add(up, groupTag, new KeyValuePair<string, object?>("direction", "up"));
        _bytes.Add(down, groupTag, new KeyValuePair<string, object?>("direction", "down"));
    }

    public void Reloaded(bool applied) => _reloads.Add(1, new KeyValuePair<string, object?>("result", applied ? "applied" : "refused"));

    public void Probed(int group, int check, bool passed) =>
        _probes.Add(
            1,
            new KeyValuePair<string, object?>("group", group),
            new KeyValuePair<string, object?>("check", check),
            new KeyValuePair<string, object?>("result", passed ? "pass" : "fail"));
}
