using Tcpffee.Configuration;
using Tcpffee.Health;

namespace Tcpffee.Tests.Health;

public sealed class HealthCheckTargetsTests
{
    [Theory]
    // A host portmap: that host on every configured port.
    [InlineData("[ 5280, 5281, 5282 ]", "\"10.0.0.1\"", "", "10.0.0.1:5280 10.0.0.1:5281 10.0.0.1:5282")]
    // A table: each configured port's endpoint.
    [InlineData("[ 5280, 5281 ]", "{ 5280 = \"10.0.0.1:80\", 5281 = \"10.0.0.2:81\" }", "", "10.0.0.1:80 10.0.0.2:81")]
    // A table covering only some ports: only those.
    [InlineData("[ 5280, 5281, 5282 ]", "{ 5281 = \"10.0.0.2:81\" }", "", "10.0.0.2:81")]
    // The same backend behind several ports is probed once.
    [InlineData("[ 5280, 5281, 5282 ]", "{ 5280 = \"10.0.0.1:80\", 5281 = \"10.0.0.1:80\", 5282 = \"10.0.0.2:80\" }", "", "10.0.0.1:80 10.0.0.2:80")]
    // `port`: every distinct backend host, on that port.
    [InlineData("[ 5280, 5281, 5282 ]", "{ 5280 = \"10.0.0.1:80\", 5281 = \"10.0.0.1:81\", 5282 = \"10.0.0.2:80\" }", "port = 9000", "10.0.0.1:9000 10.0.0.2:9000")]
    [InlineData("[ 5280, 5281, 5282 ]", "\"10.0.0.1\"", "port = 9000", "10.0.0.1:9000")]
    public void For_Portmap_IsTheDistinctBackendsOfTheGroup(string ports, string portmap, string checkLines, string expected)
    {
        var config = ConfigLoader.Parse(
            $"""
            bind_addr = "127.0.0.1"
            ports = {ports}
            [groups.0]
            portmap = "10.9.9.9"
            [groups.3]
            portmap = {portmap}
            [[groups.3.healthchecks]]
            {checkLines}
            """,
            "targets.toml");
        var group = config.Groups.Single(g => g.Id == 3);

        var endpoints = HealthCheckTargets.For(config, group, group.HealthChecks[0]);

        Assert.Equal(expected.Split(' '), endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void For_OtherGroups_AreNeverProbed()
    {
        var config = ConfigLoader.Parse(
            """
            ports = [ 5280 ]
            [groups.0]
            portmap = "10.0.0.1"
            [[groups.0.healthchecks]]
            [groups.1]
            portmap = "10.0.0.2"
            [[groups.1.healthchecks]]
            """,
            "targets.toml");

        Assert.Equal(["10.0.0.1:5280"], HealthCheckTargets.For(config, config.Groups[0], config.Groups[0].HealthChecks[0]).Select(e => e.ToString()));
        Assert.Equal(["10.0.0.2:5280"], HealthCheckTargets.For(config, config.Groups[1], config.Groups[1].HealthChecks[0]).Select(e => e.ToString()));
    }
}
