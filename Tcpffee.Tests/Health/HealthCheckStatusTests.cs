using Tcpffee.Health;

namespace Tcpffee.Tests.Health;

public sealed class HealthCheckStatusTests
{
    private static readonly DateTimeOffset Before = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Initial_IsUpWithZeroCountersAndNoHistory()
    {
        Assert.Equal(new HealthCheckStatus(true, 0, 0, null, null), HealthCheckStatus.Initial);
    }

    [Theory]
    //          up     passes fails  passed rise fall   up     passes fails  flips
    // Up: failures count towards fall; the fall-th consecutive one takes it down.
    [InlineData(true,  0,     0,     false, 5,   3,     true,  0,     1,     false)]
    [InlineData(true,  0,     1,     false, 5,   3,     true,  0,     2,     false)]
    [InlineData(true,  0,     2,     false, 5,   3,     false, 0,     3,     true)]
    [InlineData(true,  0,     0,     false, 5,   1,     false, 0,     1,     true)]
    // Up: a pass resets the failure count and counts passes, staying up.
    [InlineData(true,  0,     2,     true,  5,   3,     true,  1,     0,     false)]
    [InlineData(true,  7,     0,     true,  5,   3,     true,  8,     0,     false)]
    // Up: a failure resets the pass count.
    [InlineData(true,  7,     0,     false, 5,   3,     true,  0,     1,     false)]
    // Down: passes count towards rise; the rise-th consecutive one brings it up.
    [InlineData(false, 0,     3,     true,  5,   3,     false, 1,     0,     false)]
    [InlineData(false, 3,     0,     true,  5,   3,     false, 4,     0,     false)]
    [InlineData(false, 4,     0,     true,  5,   3,     true,  5,     0,     true)]
    [InlineData(false, 0,     9,     true,  1,   3,     true,  1,     0,     true)]
    // Down: a failure resets the pass count and keeps it down.
    [InlineData(false, 4,     0,     false, 5,   3,     false, 0,     1,     false)]
    [InlineData(false, 0,     3,     false, 5,   3,     false, 0,     4,     false)]
    public void Record_Table_CountsRiseAndFall(
        bool up, int passes, int fails, bool passed, int rise, int fall,
        bool expectedUp, int expectedPasses, int expectedFails, bool flips)
    {
        var before = new HealthCheckStatus(up, passes, fails, new ProbeResult(!passed, "earlier", Before), Before);
        var result = new ProbeResult(passed, passed ? "ok" : "connection refused", Now);

        var after = before.Record(result, rise, fall);

        Assert.Equal(expectedUp, after.Up);
        Assert.Equal(expectedPasses, after.ConsecutivePasses);
        Assert.Equal(expectedFails, after.ConsecutiveFails);
        Assert.Same(result, after.LastResult);
        Assert.Equal(flips ? Now : Before, after.LastChange);
    }

    [Fact]
    public void Record_FromInitial_LeavesLastChangeUnsetUntilTheFirstFlip()
    {
        var status = HealthCheckStatus.Initial;
        for (var i = 1; i <= 2; i++)
        {
            status = status.Record(new ProbeResult(false, "refused", Now.AddSeconds(i)), rise: 2, fall: 3);
            Assert.Null(status.LastChange);
        }

        status = status.Record(new ProbeResult(false, "refused", Now.AddSeconds(3)), rise: 2, fall: 3);

        Assert.False(status.Up);
        Assert.Equal(Now.AddSeconds(3), status.LastChange);
    }

    [Fact]
    public void Record_AlternatingResults_NeverFlips()
    {
        var status = HealthCheckStatus.Initial;
        for (var i = 0; i < 10; i++)
        {
            status = status.Record(new ProbeResult(i % 2 == 0, "x", Now.AddSeconds(i)), rise: 2, fall: 2);
            Assert.True(status.Up, $"after probe {i}: {status}");
        }

        Assert.Null(status.LastChange);
    }

    [Fact]
    public void Record_DoesNotChangeTheOriginal()
    {
        var before = HealthCheckStatus.Initial;

        _ = before.Record(new ProbeResult(false, "refused", Now), rise: 1, fall: 1);

        Assert.Equal(new HealthCheckStatus(true, 0, 0, null, null), before);
    }
}
