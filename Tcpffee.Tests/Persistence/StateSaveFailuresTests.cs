using Microsoft.Extensions.Time.Testing;
using Tcpffee.Persistence;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Persistence;

/// <summary>A state save that keeps failing is said once, then once a minute with a count, and once more when it works again.</summary>
public sealed class StateSaveFailuresTests : IDisposable
{
    private const string State = "the stick table";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _log = new();
    private readonly StateSaveFailures _failures;

    public StateSaveFailuresTests()
    {
        _failures = new StateSaveFailures(_time, _log.CreateLogger<StateSaveFailures>());
    }

    public void Dispose() => _log.Dispose();

    private IReadOnlyList<string> Lines(int eventId) => [.. _log.Entries.Where(e => e.EventId.Id == eventId).Select(e => e.Message)];

    [Fact]
    public void Failed_EverySecondForAMinute_LoggedOnceThenOnceAMinuteWithTheCount()
    {
        _failures.Failed(State, "/state/stick_table", "Is a directory");
        for (var second = 1; second < 60; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _failures.Failed(State, "/state/stick_table", "Is a directory");
        }

        Assert.Single(Lines(4010));
        Assert.Empty(Lines(4011));

        _time.Advance(TimeSpan.FromSeconds(1));
        _failures.Failed(State, "/state/stick_table", "Is a directory");

        var repeated = Assert.Single(Lines(4011));
        Assert.Contains("60 more failed attempts", repeated, StringComparison.Ordinal);
        Assert.Equal(["the stick table cannot be saved to /state/stick_table: Is a directory"], _failures.Problems);
    }

    [Fact]
    public void Saved_AfterFailures_SaysItWorksAgainOnceAndClearsTheProblem()
    {
        _failures.Failed(State, "/state/stick_table", "No space left on device");
        _failures.Failed(State, "/state/stick_table", "No space left on device");

        _failures.Saved(State);
        _failures.Saved(State);

        Assert.Contains("after 2 failed attempts", Assert.Single(Lines(4012)), StringComparison.Ordinal);
        Assert.Empty(_failures.Problems);

        // A new failure after recovery is news again.
        _failures.Failed(State, "/state/stick_table", "No space left on device");
        Assert.Equal(2, Lines(4010).Count);
    }
}
