using Microsoft.Win32.SafeHandles;

namespace Tcpffee.Descriptors;

/// <summary>
/// A few descriptors held open on <c>/dev/null</c> while all is well, and let go when the process runs out, so the
/// stats API, <c>/healthz</c> and the state saves still have some. The proxied ports accept again only once the
/// reserve is back, so clients cannot take it (the spare-descriptor habit of libev and nginx, kept for the control plane).
/// </summary>
internal sealed partial class DescriptorReserve : IDisposable
{
    /// <summary>Enough for a few API requests, a state save and the health probes of a shortage.</summary>
    public const int Size = 32;

    private readonly List<SafeFileHandle> _held = new(Size);
    private readonly ILogger<DescriptorReserve> _logger;
    private readonly TimeProvider _time;
    private readonly bool _enabled;
    private long _releasedAt;
    private volatile bool _released;

    public DescriptorReserve(ILogger<DescriptorReserve> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;

        // Windows has no /dev/null, and accept there does not fail for lack of descriptors the same way.
        _enabled = !OperatingSystem.IsWindows();
        if (_enabled && !TryOpen(Size))
        {
            // With no reserve to give back, a shortage must not keep the proxied ports waiting for one.
            _enabled = false;
            LogUnavailable(Size);
        }
    }

    /// <summary>True while the reserve is let go: a shortage was seen and the descriptors could not be taken back yet.</summary>
    public bool IsReleased => _released;

    /// <summary>Lets the reserve go after an accept failed for lack of descriptors; logs the first time of a shortage.</summary>
    public void Release(string endPoint)
    {
        if (!_enabled)
        {
            return;
        }

        lock (_held)
        {
            if (_released)
            {
                return;
            }

            foreach (var handle in _held)
            {
                handle.Dispose();
            }

            _held.Clear();
            _released = true;
            _releasedAt = _time.GetTimestamp();
        }

        LogReleased(endPoint, Size);
    }

    /// <summary>Takes the reserve back if descriptors are free again; true when it is held.</summary>
    public bool TryRestore()
    {
        if (!_released)
        {
            return true;
        }

        lock (_held)
        {
            if (!_released)
            {
                return true;
            }

            // Only with as many free again beyond the reserve, or the first proxied client would take the API's share.
            if (!TryOpen(2 * Size))
            {
                return false;
            }

            foreach (var spare in _held[Size..])
            {
                spare.Dispose();
            }

            _held.RemoveRange(Size, Size);
            _released = false;
        }

        var shortage = _time.GetElapsedTime(_releasedAt);
        LogRestored(shortage);
        return true;
    }

    public void Dispose()
    {
        lock (_held)
        {
            foreach (var handle in _held)
            {
                handle.Dispose();
            }

            _held.Clear();
        }
    }

    /// <summary>Opens <paramref name="count"/> descriptors, or none.</summary>
    private bool TryOpen(int count)
    {
        try
        {
            while (_held.Count < count)
            {
                _held.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read));
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var handle in _held)
            {
                handle.Dispose();
            }

            _held.Clear();
            return false;
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning,
        Message = "Out of file descriptors (accept on {EndPoint}): released {Count} reserved for the API, /healthz and state saves; proxied ports pause accepting until descriptors free up")]
    private partial void LogReleased(string endPoint, int count);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Cannot hold {Count} descriptors in reserve at start; a shortage of descriptors will find the API without any")]
    private partial void LogUnavailable(int count);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information,
        Message = "File descriptors are available again after {Duration}: the reserve is back and proxied ports accept again")]
    private partial void LogRestored(TimeSpan duration);
}
