using System.Diagnostics;
using Xunit.Sdk;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The one poller of the tests: asks again every <see cref="Interval"/> until a condition holds or
/// <see cref="DefaultTimeout"/> passes, and on timeout fails naming what was awaited and the last value seen.
/// </summary>
internal static class Eventually
{
    /// <summary>How long any single wait of a test may take; it only matters when the test fails, so it is generous for two shared cores.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait between two looks: short, since a test waits on it, long enough not to spin a core.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>For <c>notYet</c>: a request that fails (HTTP, socket, I/O, its own timeout), as a node still starting or electing answers.</summary>
    public static bool IsRequestFailure(Exception ex) =>
        ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException;

    /// <summary>Returns once <paramref name="condition"/> is true; see <see cref="UntilAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?, Func{T, string}?, Func{string}?, Func{Exception, bool}?)"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null) =>
        UntilAsync(() => Task.FromResult(condition()), held => held, what, timeout, null, diagnostics);

    /// <summary>Returns once <paramref name="condition"/> is true; see <see cref="UntilAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?, Func{T, string}?, Func{string}?, Func{Exception, bool}?)"/>.</summary>
    public static Task HoldsAsync(
        Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, Func<Exception, bool>? notYet = null) =>
        UntilAsync(condition, held => held, what, timeout, null, diagnostics, notYet);

    /// <summary>The first value of <paramref name="probe"/> that satisfies <paramref name="done"/>.</summary>
    public static Task<T> UntilAsync<T>(
        Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null, Func<string>? diagnostics = null) =>
        UntilAsync(() => Task.FromResult(probe()), done, what, timeout, describe, diagnostics);

    /// <summary>
    /// Returns the first value of <paramref name="probe"/> that satisfies <paramref name="done"/>. After
    /// <paramref name="timeout"/> (<see cref="DefaultTimeout"/> by default) it fails with <paramref name="what"/>, the last
    /// value (through <paramref name="describe"/> when given) and, when given, what <paramref name="diagnostics"/> says
    /// then (a host's log, say). A probe that throws an exception <paramref name="notYet"/> accepts (a request to a node
    /// that is still starting) counts as "not yet", and that exception is the last value seen.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> done,
        string what,
        TimeSpan? timeout = null,
        Func<T, string>? describe = null,
        Func<string>? diagnostics = null,
        Func<Exception, bool>? notYet = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        string last = "nothing yet";
        while (true)
        {
            try
            {
                var value = await probe().ConfigureAwait(false);
                if (done(value))
                {
                    return value;
                }

                last = describe is null ? $"{value}" : describe(value);
            }
            catch (Exception ex) when (notYet?.Invoke(ex) == true)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (clock.Elapsed > limit)
            {
                var context = diagnostics is null ? "" : $"{Environment.NewLine}{diagnostics()}";
                throw new XunitException($"Timed out after {limit.TotalSeconds} s waiting until {what}; the last value seen was: {last}{context}");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }
}
