namespace Tcpffee.Tests.Health.Support;

/// <summary>Waits for a condition by polling it against a deadline; never sleeps and then asserts.</summary>
internal static class Poll
{
    /// <summary>How long a wait that only matters on failure may take, generous for two shared cores.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="what"/> (and the last state) after the timeout.</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds} s: {what()}");
            }

            await Task.Delay(Step);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, () => what, timeout);

    /// <summary>Polls an asynchronous condition, for conditions that need I/O such as a connection through the proxy.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds} s: {what()}");
            }

            await Task.Delay(Step);
        }
    }
}
