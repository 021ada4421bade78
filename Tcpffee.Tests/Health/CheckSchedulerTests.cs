using Microsoft.Extensions.Time.Testing;
using Tcpffee.Health;

namespace Tcpffee.Tests.Health;

/// <summary>The probe schedule: a random start delay of 1 ms to a tenth of the interval (at most 1 s), then every interval.</summary>
public sealed class CheckSchedulerTests
{
    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(50, 1, 5)]
    [InlineData(2_000, 1, 200)]
    [InlineData(10_000, 1, 1_000)]
    [InlineData(60_000, 1, 1_000)]
    public void StartDelay_AnySeed_BetweenOneMillisecondAndATenthOfTheIntervalAtMostASecond(int intervalMs, int minMs, int maxMs)
    {
        var random = new Random(1234);
        var delays = Enumerable.Range(0, 500).Select(_ => CheckScheduler.StartDelay(TimeSpan.FromMilliseconds(intervalMs), random).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, minMs, maxMs));
    }

    [Fact]
    public void StartDelay_SameSeed_SameDelays()
    {
        var interval = TimeSpan.FromSeconds(5);
        var first = new Random(42);
        var second = new Random(42);

        var a = Enumerable.Range(0, 20).Select(_ => CheckScheduler.StartDelay(interval, first)).ToList();
        var b = Enumerable.Range(0, 20).Select(_ => CheckScheduler.StartDelay(interval, second)).ToList();

        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 1, "the delays should vary from check to check");
    }

    [Fact]
    public async Task RunAsync_SeededRandom_FirstProbeAfterTheSeededDelayThenEveryInterval()
    {
        var interval = TimeSpan.FromSeconds(5);
        var expectedDelay = CheckScheduler.StartDelay(interval, new Random(7));
        var time = new FakeTimeProvider();
        var scheduler = new CheckScheduler(time, new Random(7));
        var probes = 0;
        var probed = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();

        var loop = scheduler.RunAsync(interval, _ => { Interlocked.Increment(ref probes); probed.Release(); return Task.CompletedTask; }, stop.Token);
        time.Advance(expectedDelay - TimeSpan.FromMilliseconds(1));
        var beforeDelay = Volatile.Read(ref probes);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await probed.WaitAsync(TimeSpan.FromSeconds(15)), "no probe at the end of the start delay");
        time.Advance(interval - TimeSpan.FromMilliseconds(1));
        var beforeInterval = Volatile.Read(ref probes);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await probed.WaitAsync(TimeSpan.FromSeconds(15)), "no probe one interval later");
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, beforeDelay);
        Assert.Equal(1, beforeInterval);
        Assert.Equal(2, Volatile.Read(ref probes));
    }

    [Fact]
    public async Task RunAsync_StoppedBeforeTheFirstProbe_EndsWithoutProbing()
    {
        var time = new FakeTimeProvider();
        var scheduler = new CheckScheduler(time, new Random(7));
        var probes = 0;
        using var stop = new CancellationTokenSource();

        var loop = scheduler.RunAsync(TimeSpan.FromSeconds(5), _ => { probes++; return Task.CompletedTask; }, stop.Token);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(15));
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, probes);
        Assert.True(loop.IsCompletedSuccessfully);
    }
}
