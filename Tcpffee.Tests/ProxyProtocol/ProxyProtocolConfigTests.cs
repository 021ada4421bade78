using System.Net;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Tests.ProxyProtocol;

/// <summary>The PROXY protocol and transparent keys of the configuration file: values, defaults, and mistakes at their position.</summary>
public sealed class ProxyProtocolConfigTests
{
    private const string Path = "proxy.toml";

    /// <summary>Three lines: ports, then group 0 with one host. Rows append from line 4 on.</summary>
    private const string Base = "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n";

    /// <summary>Two lines of a root key before <see cref="Base"/>'s group (the root key goes on line 2).</summary>
    private static string Root(string line) => "ports = [ 5280 ]\n" + line + "\n[groups.0]\nportmap = \"127.0.0.1\"\n";

    [Theory]
    [InlineData("send_proxy v3", Base + "send_proxy = \"v3\"\n", 4, 14, "groups.0.send_proxy: must be \"v1\" or \"v2\", got 'v3'")]
    [InlineData("send_proxy uppercase", Base + "send_proxy = \"V1\"\n", 4, 14, "groups.0.send_proxy: must be \"v1\" or \"v2\", got 'V1'")]
    [InlineData("send_proxy empty", Base + "send_proxy = \"\"\n", 4, 14, "groups.0.send_proxy: must be \"v1\" or \"v2\", got ''")]
    [InlineData("send_proxy integer", Base + "send_proxy = 2\n", 4, 14, "groups.0.send_proxy: expected a string, got an integer")]
    [InlineData("send_proxy boolean", Base + "send_proxy = true\n", 4, 14, "groups.0.send_proxy: expected a string, got a boolean")]
    [InlineData("transparent string", Base + "transparent = \"yes\"\n", 4, 15, "groups.0.transparent: expected a boolean, got a string")]
    [InlineData("accept_proxy string", "ports = [ 5280 ]\naccept_proxy = \"yes\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 16, "accept_proxy: expected a boolean, got a string")]
    [InlineData("accept_proxy_from prefix 33", "ports = [ 5280 ]\naccept_proxy_from = [ \"10.0.0.0/8\", \"10.0.0.0/33\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 37, "accept_proxy_from[1]: '10.0.0.0/33' is not a network")]
    [InlineData("accept_proxy_from IPv6 prefix 129", "ports = [ 5280 ]\naccept_proxy_from = [ \"2001:db8::/129\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: '2001:db8::/129' is not a network")]
    [InlineData("accept_proxy_from three octets", "ports = [ 5280 ]\naccept_proxy_from = [ \"10.0.0/8\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: '10.0.0/8' is not a network")]
    [InlineData("accept_proxy_from shorthand address", "ports = [ 5280 ]\naccept_proxy_from = [ \"10.1\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: '10.1' is not a network")]
    [InlineData("accept_proxy_from name", "ports = [ 5280 ]\naccept_proxy_from = [ \"lb.example\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: 'lb.example' is not a network")]
    [InlineData("accept_proxy_from empty prefix", "ports = [ 5280 ]\naccept_proxy_from = [ \"10.0.0.0/\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: '10.0.0.0/' is not a network")]
    [InlineData("accept_proxy_from prefix only", "ports = [ 5280 ]\naccept_proxy_from = [ \"/8\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: '/8' is not a network")]
    [InlineData("accept_proxy_from integer", "ports = [ 5280 ]\naccept_proxy_from = [ 10 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 23, "accept_proxy_from[0]: expected a network such as \"10.0.0.0/8\" or an address")]
    [InlineData("send_proxy_checks without send_proxy", Base + "[[groups.0.healthchecks]]\nsend_proxy_checks = true\n", 5, 21, "groups.0.healthchecks[0].send_proxy_checks: needs `send_proxy` on the group")]
    [InlineData("send_proxy_checks string", Base + "send_proxy = \"v1\"\n[[groups.0.healthchecks]]\nsend_proxy_checks = \"yes\"\n", 6, 21, "groups.0.healthchecks[0].send_proxy_checks: expected a boolean, got a string")]
    [InlineData("misspelt send_proxy", Base + "send_proxi = \"v1\"\n", 4, 1, "groups.0.send_proxi: unknown key (did you mean `send_proxy`?)")]
    [InlineData("misspelt accept_proxy_from", "ports = [ 5280 ]\naccept_proxy_frm = [ \"10.0.0.0/8\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 1, "accept_proxy_frm: unknown key (did you mean `accept_proxy_from`?)")]
    public void Parse_OneMistake_ReportsItAtItsPosition(string mistake, string toml, int line, int column, string message)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.True(
            error.Source == Path && error.Line == line && error.Column == column && error.Message.Contains(message, StringComparison.Ordinal),
            $"{mistake}: expected {Path}:{line}:{column}: …{message}…, got {error}");
    }

    [Fact]
    public void Parse_SendProxyChecksOnSecondCheckOnly_ReportsTheSecondCheck()
    {
        const string toml = Base + "[[groups.0.healthchecks]]\ninterval = 2\n[[groups.0.healthchecks]]\nsend_proxy_checks = true\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        Assert.Equal(
            "proxy.toml:7:21: groups.0.healthchecks[1].send_proxy_checks: needs `send_proxy` on the group, which says which PROXY header to send",
            Assert.Single(exception.Errors).ToString());
    }

    [Fact]
    public void Parse_NoProxyKeys_Defaults()
    {
        var config = ConfigLoader.Parse(Base + "[[groups.0.healthchecks]]\ninterval = 2\n", Path);

        Assert.False(config.AcceptProxy);
        Assert.Empty(config.AcceptProxyFrom);
        var group = Assert.Single(config.Groups);
        Assert.False(group.Transparent);
        Assert.Null(group.SendProxy);
        Assert.False(Assert.Single(group.HealthChecks).SendProxyChecks);
    }

    [Fact]
    public void Parse_EveryProxyKey_Read()
    {
        const string toml = """
            ports = [ 5280 ]
            accept_proxy = true
            accept_proxy_from = [ "10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1", "[2001:db8::5]" ]
            [groups.0]
            portmap = "127.0.0.1"
            transparent = true
            send_proxy = "v1"
            [[groups.0.healthchecks]]
            send_proxy_checks = true
            [[groups.0.healthchecks]]
            send_proxy_checks = false
            [groups.1]
            portmap = "127.0.0.2"
            send_proxy = "v2"
            """;

        var config = ConfigLoader.Parse(toml, Path);

        Assert.True(config.AcceptProxy);
        IPNetwork[] expected =
            [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.1/32"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("2001:db8::5/128")];
        Assert.Equal(expected.Length, config.AcceptProxyFrom.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(config.AcceptProxyFrom[i]), $"[{i}]: expected {expected[i]}, got {config.AcceptProxyFrom[i]}");
        }
        Assert.True(config.Groups[0].Transparent);
        Assert.Equal(ProxyProtocolVersion.V1, config.Groups[0].SendProxy);
        Assert.Equal([true, false], config.Groups[0].HealthChecks.Select(c => c.SendProxyChecks));
        Assert.False(config.Groups[1].Transparent);
        Assert.Equal(ProxyProtocolVersion.V2, config.Groups[1].SendProxy);
    }

    [Fact]
    public void Parse_SendProxyChecksFalseWithoutSendProxy_Loads()
    {
        var config = ConfigLoader.Parse(Base + "[[groups.0.healthchecks]]\nsend_proxy_checks = false\n", Path);

        Assert.False(Assert.Single(Assert.Single(config.Groups).HealthChecks).SendProxyChecks);
    }

    [Fact]
    public void Parse_AcceptProxyFromEmptyArray_MeansAnywhere()
    {
        var config = ConfigLoader.Parse(Root("accept_proxy = true\naccept_proxy_from = []"), Path);

        Assert.True(config.AcceptProxy);
        Assert.Empty(config.AcceptProxyFrom);
    }

    [Fact]
    public void Parse_SeveralProxyMistakes_ReportsAllInLineOrder()
    {
        const string toml = """
            ports = [ 5280 ]
            accept_proxy_from = [ "300.0.0.0/8" ]
            [groups.0]
            portmap = "127.0.0.1"
            send_proxy = "v3"
            [[groups.0.healthchecks]]
            send_proxy_checks = true
            """;

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        // send_proxy_checks is judged against a send_proxy that failed to load: reported as well, since the group has none.
        Assert.Equal([(2, 23), (5, 14), (7, 21)], exception.Errors.Select(e => (e.Line, e.Column)));
    }
}
