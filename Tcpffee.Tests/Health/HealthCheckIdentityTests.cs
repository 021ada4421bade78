using System.Net;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

public sealed class HealthCheckIdentityTests
{
    private static readonly IPEndPoint[] Endpoints = [IPEndPoint.Parse("10.0.0.1:80"), IPEndPoint.Parse("10.0.0.2:80")];

    private static readonly HealthCheckConfig Base = TestConfig.Tcp(index: 1, fall: 3, rise: 5) with
    {
        Http = TestConfig.Http("/health", HttpCheckMethod.Post, "ping", 201, ("Content-Type", "text/plain"), ("X-Token", "a")),
        Port = 8080,
    };

    [Fact]
    public void For_SameInputs_IsStableAcrossCalls()
    {
        var first = HealthCheckIdentity.For(7, Base, Endpoints);
        var second = HealthCheckIdentity.For(7, Base with { Http = Base.Http! with { } }, [.. Endpoints.Select(e => new IPEndPoint(e.Address, e.Port))]);

        Assert.Equal(first, second);
        Assert.Equal(7, first.GroupId);
        Assert.Equal(1, first.Index);
        Assert.Matches("^[0-9a-f]{12}$", first.SettingsHash);
    }

    [Theory]
    [InlineData("group")]
    [InlineData("index")]
    [InlineData("fall")]
    [InlineData("rise")]
    [InlineData("fall_action")]
    [InlineData("interval")]
    [InlineData("timeout")]
    [InlineData("port")]
    [InlineData("port removed")]
    [InlineData("tcp instead of http")]
    [InlineData("http_target")]
    [InlineData("http_method")]
    [InlineData("http_status")]
    [InlineData("http_body")]
    [InlineData("http_body removed")]
    [InlineData("header value")]
    [InlineData("header name")]
    [InlineData("header added")]
    [InlineData("header removed")]
    [InlineData("endpoint address")]
    [InlineData("endpoint port")]
    [InlineData("endpoint added")]
    [InlineData("endpoint removed")]
    public void For_AnySettingOrEndpointChanged_GivesAnotherIdentity(string change)
    {
        var http = Base.Http!;
        var (group, check, endpoints) = change switch
        {
            "group" => (8, Base, Endpoints),
            "index" => (7, Base with { Index = 2 }, Endpoints),
            "fall" => (7, Base with { Fall = 4 }, Endpoints),
            "rise" => (7, Base with { Rise = 6 }, Endpoints),
            "fall_action" => (7, Base with { FallAction = FallAction.Disabled }, Endpoints),
            "interval" => (7, Base with { Interval = Base.Interval + TimeSpan.FromMilliseconds(1) }, Endpoints),
            "timeout" => (7, Base with { Timeout = Base.Timeout + TimeSpan.FromMilliseconds(1) }, Endpoints),
            "port" => (7, Base with { Port = 8081 }, Endpoints),
            "port removed" => (7, Base with { Port = null }, Endpoints),
            "tcp instead of http" => (7, Base with { Http = null }, Endpoints),
            "http_target" => (7, Base with { Http = http with { Target = "/other" } }, Endpoints),
            "http_method" => (7, Base with { Http = http with { Method = HttpCheckMethod.Get } }, Endpoints),
            "http_status" => (7, Base with { Http = http with { Status = 200 } }, Endpoints),
            "http_body" => (7, Base with { Http = http with { Body = "pong" } }, Endpoints),
            "http_body removed" => (7, Base with { Http = http with { Body = null } }, Endpoints),
            "header value" => (7, Base with { Http = http with { Headers = [http.Headers[0], new("X-Token", "b")] } }, Endpoints),
            "header name" => (7, Base with { Http = http with { Headers = [http.Headers[0], new("X-Other", "a")] } }, Endpoints),
            "header added" => (7, Base with { Http = http with { Headers = [.. http.Headers, new("Accept", "*/*")] } }, Endpoints),
            "header removed" => (7, Base with { Http = http with { Headers = [http.Headers[0]] } }, Endpoints),
            "endpoint address" => (7, Base, [Endpoints[0], IPEndPoint.Parse("10.0.0.3:80")]),
            "endpoint port" => (7, Base, [Endpoints[0], IPEndPoint.Parse("10.0.0.2:81")]),
            "endpoint added" => (7, Base, [.. Endpoints, IPEndPoint.Parse("10.0.0.3:80")]),
            "endpoint removed" => (7, Base, [Endpoints[0]]),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };

        var original = HealthCheckIdentity.For(7, Base, Endpoints);
        var changed = HealthCheckIdentity.For(group, check, endpoints);

        Assert.NotEqual(original, changed);
        if (change is not ("group" or "index"))
        {
            Assert.NotEqual(original.SettingsHash, changed.SettingsHash);
        }
    }

    [Fact]
    public void For_BodyAbsentVersusEmpty_GivesAnotherIdentity()
    {
        var withoutBody = Base with { Http = Base.Http! with { Body = null } };
        var emptyBody = Base with { Http = Base.Http! with { Body = "" } };

        Assert.NotEqual(HealthCheckIdentity.For(7, withoutBody, Endpoints), HealthCheckIdentity.For(7, emptyBody, Endpoints));
    }

    [Fact]
    public void TryParse_ToString_RoundTrips()
    {
        var identity = HealthCheckIdentity.For(12, Base, Endpoints);

        Assert.True(HealthCheckIdentity.TryParse(identity.ToString(), out var parsed));

        Assert.Equal(identity, parsed);
        Assert.Equal($"12/1/{identity.SettingsHash}", identity.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1/2")]
    [InlineData("1/2/")]
    [InlineData("1/2/abc/d")]
    [InlineData("x/2/abc")]
    [InlineData("1/y/abc")]
    [InlineData("-1/2/abc")]
    [InlineData(" 1/2/abc")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(HealthCheckIdentity.TryParse(text, out var identity));
        Assert.Equal(default, identity);
    }
}
