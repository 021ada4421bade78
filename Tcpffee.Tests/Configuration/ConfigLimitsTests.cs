using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

/// <summary>
/// Values and messages: durations have a minimum and a maximum, a number out of range is worded after the bound it
/// crosses, each mistake stands at its real line and column, and control characters echoed from the file are escaped.
/// </summary>
public sealed class ConfigLimitsTests
{
    private const string Path = "limits.toml";

    /// <summary>The ports on line 1; a row's own line is line 2, and group 0 follows it.</summary>
    private static string Root(string line) => $"ports = [ 5280 ]\n{line}\n[groups.0]\nportmap = \"127.0.0.1\"\n";

    /// <summary>Group 0 with one check on lines 2–3; a row's own line is line 4.</summary>
    private static string Check(string line) => $"ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n[[groups.0.healthchecks]]\n{line}\n";

    public static TheoryData<string, string, int, int, string> Mistakes() => new()
    {
        { "connect_timeout rounds to zero", Root("connect_timeout = 1e-300"), 2, 19, "connect_timeout: must be at least 0.001 s (1 ms), got 1e-300" },
        { "connect_timeout under 1 ms", Root("connect_timeout = 0.0009"), 2, 19, "connect_timeout: must be at least 0.001 s (1 ms), got 0.0009" },
        { "connect_timeout over a day", Root("connect_timeout = 86401"), 2, 19, "connect_timeout: must be at most 86400 s (1 day), got 86401" },
        { "first_message_timeout over a day", Root("first_message_timeout = 1e9"), 2, 25, "first_message_timeout: must be at most 86400 s (1 day), got 1000000000" },
        { "idle_timeout rounds to zero", Root("idle_timeout = 1e-9"), 2, 16, "idle_timeout: must be 0 or at least 0.001 s (1 ms), got 1e-09" },
        { "shutdown_timeout negative", Root("shutdown_timeout = -0.5"), 2, 20, "shutdown_timeout: must be 0 or at least 0.001 s (1 ms), got -0.5" },
        { "expiration over 30 days", Root("expiration = 2592001"), 2, 14, "expiration: must be at most 2592000 s (30 days), got 2592001" },
        { "interval rounds to zero", Check("interval = 1e-9"), 5, 12, "groups.0.healthchecks[0].interval: must be at least 0.01 s (10 ms), got 1e-09" },
        { "interval under 10 ms", Check("interval = 0.009"), 5, 12, "groups.0.healthchecks[0].interval: must be at least 0.01 s (10 ms), got 0.009" },
        { "interval over a day", Check("interval = 90000"), 5, 12, "groups.0.healthchecks[0].interval: must be at most 86400 s (1 day), got 90000" },
        { "check timeout under 1 ms", Check("timeout = 1e-4"), 5, 11, "groups.0.healthchecks[0].timeout: must be at least 0.001 s (1 ms), got 0.0001" },
        { "max_connections too large", Root("max_connections = 99999999999"), 2, 19, "max_connections: must be at most 2147483647, got 99999999999" },
        { "max_connections_per_client negative", Root("max_connections_per_client = -1"), 2, 30, "max_connections_per_client: must be at least 0, got -1" },
        { "rise too large", Check("rise = 99999999999999"), 5, 8, "groups.0.healthchecks[0].rise: must be at most 2147483647, got 99999999999999" },
        { "deep dotted key at the root", Root("a.b.c.d = 1"), 2, 1, "a: unknown key" },
        { "deep dotted key in a group", "ports = [ 5280 ]\ngroups.0.portmap = \"127.0.0.1\"\ngroups.0.x.y.z = 1\n", 3, 10, "groups.0.x: unknown key" },
        { "deep dotted key in a check", Check("http_headers.X.Y = \"1\""), 5, 20, "groups.0.healthchecks[0].http_headers.X: expected a string, got a table" },
        { "missing portmap, at the table header", "ports = [ 5280 ]\n\n[groups.3]\ndrain = true\n", 3, 9, "groups.3.portmap: required key is missing" },
        { "missing portmap of a dotted group", "ports = [ 5280 ]\n\ngroups.7.drain = true\n", 3, 8, "groups.7.portmap: required key is missing" },
        { "missing peer host, at its header", "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n\n[[peers]]\nmac_address = \"00:00:00:00:00:01\"\n", 5, 3, "peers[0].host: required key is missing" },
        { "empty portmap table, named once", "ports = [ 5280 ]\n[groups.0.portmap]\n", 2, 11, "groups.0.portmap: must map at least one port" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Parse_ValueOutOfRangeOrMisplaced_ReportsTheBoundAtItsPosition(string mistake, string toml, int line, int column, string message)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.True(
            error.Line == line && error.Column == column && error.Message.StartsWith(message, StringComparison.Ordinal),
            $"{mistake}: expected {Path}:{line}:{column}: {message}…, got {error}");
    }

    [Fact]
    public void Parse_TheBoundsThemselves_Load()
    {
        var config = ConfigLoader.Parse(
            "ports = [ 5280 ]\nconnect_timeout = 0.001\nidle_timeout = 86400\nexpiration = 2592000\nshutdown_timeout = 0\n"
            + "[groups.0]\nportmap = \"127.0.0.1\"\n[[groups.0.healthchecks]]\ninterval = 0.01\ntimeout = 0.001\n",
            Path);

        Assert.Equal(TimeSpan.FromMilliseconds(1), config.ConnectTimeout);
        Assert.Equal(TimeSpan.FromDays(1), config.IdleTimeout);
        Assert.Equal(TimeSpan.FromDays(30), config.Expiration);
        Assert.Equal(TimeSpan.FromMilliseconds(10), config.Groups[0].HealthChecks[0].Interval);
    }

    [Theory]
    [InlineData("\"k\\u0001ey\" = 1", 2, 1, "k\\u0001ey: unknown key")]
    [InlineData("bind_addr = \"10.0.0.1\\u001b[31m\"", 2, 13, "bind_addr: '10.0.0.1\\u001b[31m' is not an IP address")]
    [InlineData("bind_addr = \"a\\u007fb\\u202ec\\nd\"", 2, 13, "bind_addr: 'a\\u007fb\\u202ec\\u000ad' is not an IP address")]
    public void Parse_ControlCharactersInKeysOrValues_AreEscapedInTheMessage(string line, int lineNumber, int column, string message)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Root(line), Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal($"{Path}:{lineNumber}:{column}: {message}", error.ToString());
        Assert.DoesNotContain(error.ToString(), char.IsControl);
        Assert.DoesNotContain(exception.Message, c => char.IsControl(c) && c != '\n' && c != '\r');
    }
}
