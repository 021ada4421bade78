using Xunit.Sdk;

namespace Tcpffee.Tests.Api.Support;

/// <summary>Waits for a condition by asking again until a deadline; the deadline only matters when the test fails.</summary>
internal static class Poll
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns the first value of <paramref name="probe"/> that satisfies <paramref name="done"/>; fails with the last one after the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, Func<string>? context = null, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Deadline;
        using var timeout = new CancellationTokenSource(limit);
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
                await Task.Delay(Interval, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new XunitException($"waited {limit.TotalSeconds} s for {what}; the last value was:{Environment.NewLine}{last}"
            + (context is null ? "" : $"{Environment.NewLine}{context()}"));
    }
}
