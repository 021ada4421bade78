namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>Polling against a deadline: the only way these tests wait for something they cannot be told about.</summary>
internal static class Deadline
{
    /// <summary>The time any one wait may take before the test fails; it only matters when something is wrong.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Evaluates <paramref name="probe"/> until <paramref name="done"/> holds, and returns that value; throws with the last one on timeout.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var limit = timeout ?? Default;
        using var cancellation = new CancellationTokenSource(limit);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            try
            {
                await Task.Delay(Interval, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s; last seen: {(describe is null ? last : describe(last))}");
            }
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null) =>
        UntilAsync(() => Task.FromResult(probe()), done, what, timeout, describe);
}
