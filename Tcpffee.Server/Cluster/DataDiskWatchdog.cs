namespace Tcpffee.Cluster;

/// <summary>
/// Watches the free space of the disk that holds the Raft logs. dotNext's write-ahead log writes through memory-mapped
/// pages, and a mapped page the disk cannot back kills the process at once (SIGBUS, reported by the runtime as a fatal
/// <see cref="AccessViolationException"/>, exit code 134): no exception reaches the log's fault watchdog, and the process
/// dies in the middle of a write. So the node stops on its own, cleanly, while there is still room.
/// </summary>
internal sealed class DataDiskWatchdog(string directory, TimeProvider time)
{
    /// <summary>
    /// The free space below which the node stops: far more than the logs write in one <see cref="Interval"/> (a page file
    /// is 4 KiB and a command under 2 KiB), so a disk that fills is seen before a mapped write hits its end.
    /// </summary>
    public const long ReserveBytes = 8L << 20;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Completes with the free bytes once the disk has less than <see cref="ReserveBytes"/> free.</summary>
    public async Task<long> WaitForShortageAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (FreeBytes() is { } free and < ReserveBytes)
            {
                return free;
            }

            await Task.Delay(Interval, time, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The free space of the directory's file system, or null when it cannot be read (the check is retried).</summary>
    private long? FreeBytes()
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
