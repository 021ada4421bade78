using Tcpffee.Configuration;

namespace Tcpffee.Tests.Health;

public sealed class HealthCheckConfigDefaultsTests
{
    private const string Group = """
        ports = [ 5280 ]
        [groups.0]
        portmap = "10.0.0.1"
        [[groups.0.healthchecks]]

        """;

    [Fact]
    public void Parse_EmptyCheck_IsTcpWithFall3Rise5Interval5sTimeout2500msDraining()
    {
        var check = Assert.Single(ConfigLoader.Parse(Group, "defaults.toml").Groups[0].HealthChecks);

        Assert.Equal(0, check.Index);
        Assert.Equal(3, check.Fall);
        Assert.Equal(5, check.Rise);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), check.Timeout);
        Assert.Equal(FallAction.Draining, check.FallAction);
        Assert.Null(check.Http);
        Assert.Null(check.Port);
    }

    [Fact]
    public void Parse_OneHttpKey_IsHttpWithGetSlash200AndNoBodyOrHeaders()
    {
        var check = Assert.Single(ConfigLoader.Parse(Group + "http_method = \"GET\"\n", "defaults.toml").Groups[0].HealthChecks);

        var http = Assert.IsType<HttpCheckConfig>(check.Http);
        Assert.Equal("/", http.Target);
        Assert.Equal(HttpCheckMethod.Get, http.Method);
        Assert.Equal(200, http.Status);
        Assert.Null(http.Body);
        Assert.Empty(http.Headers);
    }

    [Theory]
    [InlineData("interval = 0.2", 200, 100)]
    [InlineData("interval = 60", 60_000, 30_000)]
    [InlineData("interval = 60\ntimeout = 1", 60_000, 1_000)]
    public void Parse_Interval_TimeoutDefaultsToHalfOfIt(string lines, int intervalMs, int timeoutMs)
    {
        var check = ConfigLoader.Parse(Group + lines + "\n", "defaults.toml").Groups[0].HealthChecks[0];

        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), check.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(timeoutMs), check.Timeout);
    }

    [Theory]
    [InlineData("Draining", "Draining")]
    [InlineData("Disabled", "Disabled")]
    [InlineData("Up", "Up")]
    [InlineData("disabled", "Disabled")]
    public void Parse_FallAction_IsRead(string written, string expected)
    {
        var check = ConfigLoader.Parse(Group + $"fall_action = \"{written}\"\n", "defaults.toml").Groups[0].HealthChecks[0];

        Assert.Equal(Enum.Parse<FallAction>(expected), check.FallAction);
    }
}
