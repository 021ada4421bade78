namespace Tcpffee.Health;

/// <summary>
/// Runs a check's probe every <c>interval</c>, the first time after a small random delay so checks configured
/// together do not fire in lockstep.
/// </summary>
internal sealed class CheckScheduler
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _lock = new();

    /// <param name="random">The source of the start jitter; a seeded one makes the schedule repeatable.</param>
    public CheckScheduler(TimeProvider time, Random? random = null)
    {
        _time = time;
        _random = random ?? Random.Shared;
    }

    /// <summary>The delay before a check's first probe: 1 ms up to a tenth of the interval, and at most 1 s.</summary>
    public static TimeSpan StartDelay(TimeSpan interval, Random random)
    {
        var maxJitterMs = (int)Math.Min(interval.TotalMilliseconds / 10, 1000);
        return TimeSpan.FromMilliseconds(random.Next(1, Math.Max(2, maxJitterMs + 1)));
    }

    /// <summary>Calls <paramref name="probe"/> after the start delay and then every <paramref name="interval"/>, until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> probe, CancellationToken stopping)
    {
        TimeSpan delay;
        lock (_lock)
        {
            // A seeded Random is not thread-safe.
            delay = StartDelay(interval, _random);
        }

        try
        {
            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval, _time);
            do
            {
                await probe(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Removed by a reload, or shutting down.
        }
    }
}
