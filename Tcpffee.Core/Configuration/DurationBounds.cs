using System.Globalization;

namespace Tcpffee.Configuration;

/// <summary>
/// The range a duration key accepts. Values below the minimum would round to nothing (<c>connect_timeout = 1e-300</c>
/// makes every connect fail at once, <c>interval = 1e-9</c> a check that never gets to run), and values above the
/// maximum are typos rather than intent; both are errors, each worded after the bound it crosses.
/// </summary>
internal sealed record DurationBounds(double MinSeconds, string MinText, double MaxSeconds, string MaxText, bool AllowZero)
{
    private const double Day = 86_400;

    /// <summary>A timeout that must be set: <c>connect_timeout</c>, <c>first_message_timeout</c>, a check's <c>timeout</c>.</summary>
    public static readonly DurationBounds Timeout = new(0.001, "0.001 s (1 ms)", Day, "86400 s (1 day)", AllowZero: false);

    /// <summary>A timeout where 0 has its own meaning: <c>idle_timeout</c> (never), <c>shutdown_timeout</c> (at once).</summary>
    public static readonly DurationBounds OptionalTimeout = Timeout with { AllowZero = true };

    /// <summary>A period something runs at: a check's <c>interval</c>.</summary>
    public static readonly DurationBounds Interval = new(0.01, "0.01 s (10 ms)", Day, "86400 s (1 day)", AllowZero: false);

    /// <summary><c>expiration</c>: 0 forgets a key when its last connection closes; stickiness may be meant to last weeks.</summary>
    public static readonly DurationBounds Expiration = new(0.001, "0.001 s (1 ms)", 30 * Day, "2592000 s (30 days)", AllowZero: true);

    /// <summary>Why <paramref name="seconds"/> is out of range, or null when it is in it.</summary>
    public string? Check(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            return "must be a number of seconds, got nan";
        }

        if (AllowZero && seconds == 0)
        {
            return null;
        }

        if (seconds < MinSeconds)
        {
            return AllowZero
                ? $"must be 0 or at least {MinText}, got {Show(seconds)}"
                : $"must be at least {MinText}, got {Show(seconds)}";
        }

        return seconds > MaxSeconds ? $"must be at most {MaxText}, got {Show(seconds)}" : null;
    }

    private static string Show(double seconds) =>
        double.IsPositiveInfinity(seconds) ? "inf" : double.IsNegativeInfinity(seconds) ? "-inf" : seconds.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
}
