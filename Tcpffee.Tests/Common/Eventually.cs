using System.Diagnostics;

namespace Tcpffee.Tests.Common;

/// <summary>Polls a condition until it holds or a deadline passes; the deadline only matters when the test fails.</summary>
public static class Eventually
{
    /// <summary>How long any single await in the functional tests may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once <paramref name="condition"/> is true; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Returns once <paramref name="condition"/> is true; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds} s waiting until {what}.");
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
