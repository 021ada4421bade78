namespace Tcpffee.StickTable;

/// <summary>Periodically sweeps expired entries out of a stick table with a single timer.</summary>
internal sealed class StickTableSweeper : IDisposable
{
    private readonly LocalStickTable _table;
    private readonly ITimer _timer;
    private long _totalSwept;

    public StickTableSweeper(LocalStickTable table, TimeSpan interval, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ValidateInterval(interval);
        _table = table;
        _timer = timeProvider.CreateTimer(static state => ((StickTableSweeper)state!).Sweep(), this, interval, interval);
    }

    /// <summary>Gets the number of entries removed by this sweeper so far.</summary>
    public long TotalSwept => Interlocked.Read(ref _totalSwept);

    /// <summary>Changes the sweep interval, for a configuration reload; the next sweep is one interval from now.</summary>
    public void ChangeInterval(TimeSpan interval)
    {
        ValidateInterval(interval);
        _timer.Change(interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    private static void ValidateInterval(TimeSpan interval) =>
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);

    private void Sweep() => Interlocked.Add(ref _totalSwept, _table.SweepExpired());
}
