using Microsoft.Extensions.Time.Testing;
using Tcpffee.Diagnostics;

namespace Tcpffee.Tests.Diagnostics;

/// <summary>One line a second per scope and reason, each with the count left out since the previous one.</summary>
public sealed class WarningAggregatorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ShouldLog_SameScopeAndReasonWithinASecond_OnlyTheFirst()
    {
        var warnings = new WarningAggregator(_time);

        Assert.True(warnings.ShouldLog(1, "refused", out var first));
        var logged = Enumerable.Range(0, 999).Count(i => warnings.ShouldLog(1, "refused", out _));
        _time.Advance(WarningAggregator.Window - TimeSpan.FromMilliseconds(1));
        Assert.False(warnings.ShouldLog(1, "refused", out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(warnings.ShouldLog(1, "refused", out var next));

        Assert.Equal((0, 0L, 1000L), (logged, first, next));
    }

    [Fact]
    public void ShouldLog_OtherGroupOrReason_CountedApart()
    {
        var warnings = new WarningAggregator(_time);

        Assert.True(warnings.ShouldLog(1, "refused", out _));
        Assert.True(warnings.ShouldLog(2, "refused", out _));
        Assert.True(warnings.ShouldLog(1, "timed out", out _));
        Assert.False(warnings.ShouldLog(1, "refused", out _));
    }
}
