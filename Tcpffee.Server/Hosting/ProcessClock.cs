namespace Tcpffee.Hosting;

/// <summary>When this process started, for the API's uptime.</summary>
internal sealed class ProcessClock
{
    private readonly TimeProvider _time;
    private readonly long _started;

    public ProcessClock(TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
        StartedAt = time.GetUtcNow();
    }

    public DateTimeOffset StartedAt { get; }

    public TimeSpan Uptime => _time.GetElapsedTime(_started);
}
