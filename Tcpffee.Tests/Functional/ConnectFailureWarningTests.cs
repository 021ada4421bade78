using Microsoft.Extensions.Time.Testing;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>Per-connection warnings are aggregated per group and reason: one line a second at most, with the count left out.</summary>
public sealed class ConnectFailureWarningTests
{
    private const int Failures = 1000;

    [Fact]
    public async Task ConnectFailed_AThousandInOneSecond_OneLineThenTheNextCarriesTheCount()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var refused = new RefusedPort();
        var config = OnePort(refused.EndPoint);

        // Passive health would take the group out after 3 failures; here every connect must reach the dead backend.
        config = config with { Groups = [config.Groups[0] with { PassiveFall = 0 }] };
        await using var proxy = await ProxyHost.StartAsync(config, time: time);

        await FailAsync(proxy, Failures);
        Assert.Single(Lines(proxy, 2003));

        time.Advance(TimeSpan.FromSeconds(1));
        await FailAsync(proxy, 1);

        var lines = Lines(proxy, 2003);
        Assert.Equal(2, lines.Count);
        Assert.Contains($"; {Failures - 1} more since the last line", lines[1]);
        Assert.Contains("; 0 more since the last line", lines[0]);
    }

    [Fact]
    public async Task NoEligibleGroup_RepeatedWithinASecond_OneLine()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var refused = new RefusedPort();
        await using var proxy = await ProxyHost.StartAsync(Base with { Groups = [Group(0, Map((0, refused.EndPoint)), disabled: true)] }, time: time);

        await FailAsync(proxy, 50);
        time.Advance(TimeSpan.FromSeconds(1));
        await FailAsync(proxy, 1);

        var lines = Lines(proxy, 2002);
        Assert.Equal(2, lines.Count);
        Assert.Contains("; 49 more since the last line", lines[1]);
    }

    private static async Task FailAsync(ProxyHost proxy, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (data, _) = await TestClient.ConnectAndReadToEndAsync(proxy.EndPoint, 2 + (i % 200));
            Assert.Empty(data);
        }
    }

    private static List<string> Lines(ProxyHost proxy, int eventId) =>
        [.. proxy.Logs.Entries.Where(e => e.EventId.Id == eventId).Select(e => e.Message)];
}
