using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>Passive health on a fake clock: consecutive connect failures take a group out, the back-off brings it back on trial.</summary>
public sealed class PassiveHealthTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly RoutingState _routing;
    private readonly PassiveHealth _passive;

    public PassiveHealthTests()
    {
        var config = TestConfig.OnePort(new IPEndPoint(IPAddress.Loopback, 9));
        config = config with { Groups = [config.Groups[0] with { PassiveFall = 3 }] };
        _routing = new RoutingState(config, new GroupStateRegistry());
        _passive = new PassiveHealth(_routing, _time, NullLogger<PassiveHealth>.Instance);
    }

    private GroupStatus Passive => _routing.Groups.Get(0).Passive;

    [Fact]
    public void ConnectFailed_FallTimesInARow_Draining()
    {
        _passive.ConnectFailed(0);
        _passive.ConnectFailed(0);
        Assert.Equal(GroupStatus.Up, Passive);

        _passive.ConnectFailed(0);

        Assert.Equal(GroupStatus.Draining, Passive);
        Assert.Equal(GroupStatus.Draining, _routing.Groups.Get(0).Effective);
        Assert.Equal((true, 3, _time.GetUtcNow() + PassiveHealth.FirstBackoff), _passive.Describe(0));
    }

    [Fact]
    public void ConnectSucceeded_BetweenFailures_CountStartsAgain()
    {
        _passive.ConnectFailed(0);
        _passive.ConnectFailed(0);
        _passive.ConnectSucceeded(0);
        _passive.ConnectFailed(0);
        _passive.ConnectFailed(0);

        Assert.Equal(GroupStatus.Up, Passive);
        Assert.Equal((false, 2, null), _passive.Describe(0));
    }

    [Fact]
    public void Backoff_Over_OfferedAgainAndAFailureDoublesIt()
    {
        Trip();

        _time.Advance(PassiveHealth.FirstBackoff);
        Assert.Equal(GroupStatus.Up, Passive);

        _passive.ConnectFailed(0);
        Assert.Equal(GroupStatus.Draining, Passive);
        Assert.Equal(_time.GetUtcNow() + (PassiveHealth.FirstBackoff * 2), _passive.Describe(0).RetryAt);
        _time.Advance((PassiveHealth.FirstBackoff * 2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(GroupStatus.Draining, Passive);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(GroupStatus.Up, Passive);
    }

    [Fact]
    public void Backoff_DoublesUpToAMinute()
    {
        Trip();
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(PassiveHealth.MaxBackoff);
            _passive.ConnectFailed(0);
        }

        Assert.Equal(_time.GetUtcNow() + PassiveHealth.MaxBackoff, _passive.Describe(0).RetryAt);
    }

    [Fact]
    public void CheckPassed_WhileFailing_UpAgain()
    {
        Trip();

        _passive.CheckPassed(0);

        Assert.Equal(GroupStatus.Up, Passive);
        Assert.Equal((false, 0, null), _passive.Describe(0));
        _time.Advance(PassiveHealth.MaxBackoff);
        Assert.Equal(GroupStatus.Up, Passive);
    }

    [Fact]
    public void ConnectFailed_PassiveFallZero_NeverFails()
    {
        var config = _routing.Current.Config;
        _routing.Swap(config with { Groups = [config.Groups[0] with { PassiveFall = 0 }] });

        for (var i = 0; i < 100; i++)
        {
            _passive.ConnectFailed(0);
        }

        Assert.Equal(GroupStatus.Up, Passive);
        Assert.Equal((false, 0, null), _passive.Describe(0));
    }

    public void Dispose() => _passive.Dispose();

    private void Trip()
    {
        for (var i = 0; i < 3; i++)
        {
            _passive.ConnectFailed(0);
        }

        Assert.Equal(GroupStatus.Draining, Passive);
    }
}
