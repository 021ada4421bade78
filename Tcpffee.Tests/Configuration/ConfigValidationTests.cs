using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

/// <summary>
/// Every mistake is reported at a position: value mistakes at the value, unknown or misplaced keys at the key.
/// Lines and columns are 1-based.
/// </summary>
public sealed class ConfigValidationTests
{
    private const string Path = "bad.toml";

    /// <summary>Three lines: ports, then group 0 with one host. Rows append to it from line 4 on.</summary>
    private const string Base = "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n";

    /// <summary><see cref="Base"/> plus a health check header on line 4; its keys start on line 5.</summary>
    private const string Check = Base + "[[groups.0.healthchecks]]\n";

    /// <summary><see cref="Base"/> plus a peer header on line 4 and its host on line 5; more keys start on line 6.</summary>
    private const string Peer = Base + "[[peers]]\nhost = \"a\"\n";

    [Theory]
    // TOML syntax.
    [InlineData("syntax error", "ports = [ 5280 ]\nbind_addr = \n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 13, "expecting a value")]
    [InlineData("table defined twice", Base + "[groups.0]\ndrain = true\n", 4, 1, "The key `groups.0` is already defined at (2,1)")]
    [InlineData("duplicate key", "ports = [ 5280 ]\nports = [ 5281 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 1, "The key `ports` is already defined at (1,1)")]
    // Wrong types.
    [InlineData("string for integer", "ports = [ 5280 ]\nmax_connections = \"10\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 19, "max_connections: expected an integer, got a string")]
    [InlineData("string for boolean", Base + "drain = \"yes\"\n", 4, 9, "groups.0.drain: expected a boolean, got a string")]
    [InlineData("integer for string", "bind_addr = 1\nports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 13, "bind_addr: expected a string, got an integer")]
    [InlineData("table for string", Check + "http_method = { name = \"GET\" }\n", 5, 15, "groups.0.healthchecks[0].http_method: expected a string, got a table")]
    [InlineData("string for seconds", "ports = [ 5280 ]\nexpiration = \"10s\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 14, "expiration: expected a number of seconds, got a string")]
    [InlineData("table for array of tables", Base + "[groups.0.healthchecks]\nfall = 1\n", 4, 11, "groups.0.healthchecks: expected an array of tables, got a table")]
    [InlineData("integer for portmap", "ports = [ 5280 ]\n[groups.0]\nportmap = 5\n", 3, 11, "groups.0.portmap: expected an IP address string or a table")]
    [InlineData("integer for portmap value", "ports = [ 5280 ]\n[groups.0.portmap]\n5280 = 80\n", 3, 8, "groups.0.portmap.5280: expected a string, got an integer")]
    [InlineData("integer for header value", Check + "http_headers = { Accept = 1 }\n", 5, 27, "groups.0.healthchecks[0].http_headers.Accept: expected a string, got an integer")]
    // Unknown keys, with a suggestion when one is close.
    [InlineData("unknown root key", "ports = [ 5280 ]\nexpiraton = 10\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 1, "expiraton: unknown key (did you mean `expiration`?)")]
    [InlineData("unknown group key", Base + "drian = true\n", 4, 1, "groups.0.drian: unknown key (did you mean `drain`?)")]
    [InlineData("unknown health check key", Check + "intervl = 5\n", 5, 1, "groups.0.healthchecks[0].intervl: unknown key (did you mean `interval`?)")]
    [InlineData("unknown peer key", Peer + "mac_address = \"00:00:00:00:00:01\"\nmac_adress = \"00:00:00:00:00:01\"\n", 7, 1, "peers[0].mac_adress: unknown key (did you mean `mac_address`?)")]
    [InlineData("unknown key far from any", "ports = [ 5280 ]\nlisteners = 1\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 1, "listeners: unknown key")]
    // ports.
    [InlineData("port 0", "ports = [ 0 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 11, "ports[0]: port must be between 1 and 65535, got 0")]
    [InlineData("port 70000", "ports = [ 5280, 70000 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 17, "ports[1]: port must be between 1 and 65535, got 70000")]
    [InlineData("port listed twice", "ports = [ 5280, 5281, 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 23, "ports[2]: port 5280 is listed twice")]
    [InlineData("non-integer port", "ports = [ 5280, \"5281\" ]\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 17, "ports[1]: expected a port number")]
    [InlineData("empty ports", "ports = []\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 9, "ports: must list at least one port")]
    [InlineData("ports not an array", "ports = 5280\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 9, "ports: expected an array, got an integer")]
    [InlineData("missing ports", "expiration = 10\n[groups.0]\nportmap = \"127.0.0.1\"\n", 1, 1, "ports: required key is missing")]
    [InlineData("empty file", "", 1, 1, "ports: required key is missing")]
    // Addresses and sockets.
    [InlineData("bind_addr not an IP", "ports = [ 5280 ]\nbind_addr = \"localhost\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 13, "bind_addr: 'localhost' is not an IP address")]
    [InlineData("bind_addr IPv4 shorthand", "ports = [ 5280 ]\nbind_addr = \"10.1\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 13, "bind_addr: '10.1' is not an IP address")]
    [InlineData("stats socket without port", "ports = [ 5280 ]\nstats_bind_socket = \"127.0.0.1\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 21, "stats_bind_socket: '127.0.0.1' is not an \"ip:port\" socket address")]
    [InlineData("stats socket port 0", "ports = [ 5280 ]\nstats_bind_socket = \"127.0.0.1:0\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 21, "stats_bind_socket: '127.0.0.1:0' is not an \"ip:port\" socket address")]
    [InlineData("stats socket hostname", "ports = [ 5280 ]\nstats_bind_socket = \"localhost:2340\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 21, "stats_bind_socket: 'localhost:2340' is not an \"ip:port\" socket address")]
    [InlineData("raft healthchecks logs socket", "ports = [ 5280 ]\nraft_healthchecks_logs_bind_socket = \"127.0.0.1\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 38, "raft_healthchecks_logs_bind_socket: '127.0.0.1' is not an \"ip:port\" socket address")]
    [InlineData("raft stick table logs socket", "ports = [ 5280 ]\nraft_stick_table_logs_bind_socket = \"127.0.0.1:65536\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 37, "raft_stick_table_logs_bind_socket: '127.0.0.1:65536' is not an \"ip:port\" socket address")]
    [InlineData("raft healthchecks proposals socket", "ports = [ 5280 ]\nraft_healthchecks_proposals_bind_socket = \"peer1:2343\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 43, "raft_healthchecks_proposals_bind_socket: 'peer1:2343' is not an \"ip:port\" socket address")]
    [InlineData("raft stick table proposals socket", "ports = [ 5280 ]\nraft_stick_table_proposals_bind_socket = \"::1:2344\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 42, "raft_stick_table_proposals_bind_socket: '::1:2344' is not an \"ip:port\" socket address")]
    // portmap.
    [InlineData("portmap key not in ports", "ports = [ 5280 ]\n[groups.0.portmap]\n5281 = \"127.0.0.1:80\"\n", 3, 1, "groups.0.portmap.5281: port 5281 is not in `ports`")]
    [InlineData("portmap key not a number", "ports = [ 5280 ]\n[groups.0.portmap]\nhttp = \"127.0.0.1:80\"\n", 3, 1, "groups.0.portmap.http: portmap key must be a port number between 1 and 65535")]
    [InlineData("portmap key out of range", "ports = [ 5280 ]\n[groups.0.portmap]\n5280 = \"127.0.0.1:80\"\n70000 = \"127.0.0.1:80\"\n", 4, 1, "groups.0.portmap.70000: portmap key must be a port number between 1 and 65535")]
    [InlineData("portmap value without port", "ports = [ 5280 ]\n[groups.0.portmap]\n5280 = \"127.0.0.1\"\n", 3, 8, "groups.0.portmap.5280: '127.0.0.1' is not an \"ip:port\" address")]
    [InlineData("inline portmap value without port", "ports = [ 5280 ]\n[groups.0]\nportmap = { 5280 = \"127.0.0.1\" }\n", 3, 20, "groups.0.portmap.5280: '127.0.0.1' is not an \"ip:port\" address")]
    [InlineData("portmap string not an IP", "ports = [ 5280 ]\n[groups.0]\nportmap = \"backend.local\"\n", 3, 11, "groups.0.portmap: 'backend.local' is not an IP address")]
    [InlineData("dotted portmap not an IP", "ports = [ 5280 ]\ngroups.0.portmap = \"nope\"\n", 2, 20, "groups.0.portmap: 'nope' is not an IP address")]
    // Group ids.
    [InlineData("group id a", "ports = [ 5280 ]\n[groups.a]\nportmap = \"127.0.0.1\"\n", 2, 9, "groups.a: a group id must be a non-negative integer")]
    [InlineData("group id -1", "ports = [ 5280 ]\n[groups.-1]\nportmap = \"127.0.0.1\"\n", 2, 9, "groups.-1: a group id must be a non-negative integer")]
    [InlineData("group id beyond int", "ports = [ 5280 ]\n[groups.99999999999]\nportmap = \"127.0.0.1\"\n", 2, 9, "groups.99999999999: a group id must be a non-negative integer")]
    [InlineData("group not a table", "ports = [ 5280 ]\n[groups]\n0 = 1\n", 3, 5, "groups.0: expected a table, got an integer")]
    // Health checks.
    [InlineData("fall 0", Check + "fall = 0\n", 5, 8, "groups.0.healthchecks[0].fall: must be at least 1, got 0")]
    [InlineData("rise 0", Check + "rise = 0\n", 5, 8, "groups.0.healthchecks[0].rise: must be at least 1, got 0")]
    [InlineData("interval 0", Check + "interval = 0\n", 5, 12, "groups.0.healthchecks[0].interval: must be at least 0.01 s (10 ms), got 0")]
    [InlineData("interval negative", Check + "interval = -1\n", 5, 12, "groups.0.healthchecks[0].interval: must be at least 0.01 s (10 ms), got -1")]
    [InlineData("timeout longer than interval", Check + "interval = 2\ntimeout = 3\n", 6, 11, "groups.0.healthchecks[0].timeout: must not be longer than interval (2 s), got 3")]
    [InlineData("timeout longer than default interval", Check + "timeout = 6\n", 5, 11, "groups.0.healthchecks[0].timeout: must not be longer than interval (5 s), got 6")]
    [InlineData("check port 0", Check + "port = 0\n", 5, 8, "groups.0.healthchecks[0].port: must be between 1 and 65535, got 0")]
    [InlineData("unknown fall_action", Check + "fall_action = \"Drain\"\n", 5, 15, "groups.0.healthchecks[0].fall_action: must be one of `Draining`, `Disabled` or `Up`, got 'Drain'")]
    [InlineData("numeric fall_action", Check + "fall_action = \"1\"\n", 5, 15, "groups.0.healthchecks[0].fall_action: must be one of `Draining`, `Disabled` or `Up`, got '1'")]
    [InlineData("unknown http_method", Check + "http_method = \"PUT\"\n", 5, 15, "groups.0.healthchecks[0].http_method: must be one of `GET` or `POST`, got 'PUT'")]
    [InlineData("http_status 99", Check + "http_status = 99\n", 5, 15, "groups.0.healthchecks[0].http_status: must be between 100 and 599, got 99")]
    [InlineData("http_status 600", Check + "http_status = 600\n", 5, 15, "groups.0.healthchecks[0].http_status: must be between 100 and 599, got 600")]
    [InlineData("http_target without slash", Check + "http_target = \"health\"\n", 5, 15, "groups.0.healthchecks[0].http_target: must be a path starting with '/', got 'health'")]
    // Peers.
    [InlineData("bad MAC address", Peer + "mac_address = \"00:00:00:00:00::01\"\n", 6, 15, "peers[0].mac_address: '00:00:00:00:00::01' is not a MAC address")]
    [InlineData("MAC with mixed separators", Peer + "mac_address = \"00:00:00-00:00:01\"\n", 6, 15, "peers[0].mac_address: '00:00:00-00:00:01' is not a MAC address")]
    [InlineData("same MAC twice", Peer + "mac_address = \"00:00:00:00:00:01\"\n[[peers]]\nhost = \"b\"\nmac_address = \"00:00:00:00:00:01\"\n", 9, 15, "peers[1].mac_address: MAC address 00:00:00:00:00:01 is given to more than one peer")]
    [InlineData("same MAC written differently", Peer + "mac_address = \"00-00-00-00-00-01\"\n[[peers]]\nhost = \"b\"\nmac_address = \"00:00:00:00:00:01\"\n", 9, 15, "peers[1].mac_address: MAC address 00:00:00:00:00:01 is given to more than one peer")]
    [InlineData("missing host", Base + "[[peers]]\nmac_address = \"00:00:00:00:00:01\"\n", 4, 3, "peers[0].host: required key is missing")]
    [InlineData("missing MAC", Peer, 4, 3, "peers[0].mac_address: required key is missing")]
    [InlineData("empty host", Base + "[[peers]]\nhost = \" \"\nmac_address = \"00:00:00:00:00:01\"\n", 5, 8, "peers[0].host: must not be empty")]
    // Other root settings.
    [InlineData("negative expiration", "ports = [ 5280 ]\nexpiration = -1\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 14, "expiration: must be 0 or at least 0.001 s (1 ms), got -1")]
    [InlineData("max_connections 0", "ports = [ 5280 ]\nmax_connections = 0\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 19, "max_connections: must be at least 1, got 0")]
    [InlineData("stick_table_max_entries 0", "ports = [ 5280 ]\nstick_table_max_entries = 0\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 27, "stick_table_max_entries: must be at least 1, got 0")]
    [InlineData("connect_timeout 0", "ports = [ 5280 ]\nconnect_timeout = 0\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 19, "connect_timeout: must be at least 0.001 s (1 ms), got 0")]
    [InlineData("first_message_timeout 0", "ports = [ 5280 ]\nfirst_message_timeout = 0.0\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 25, "first_message_timeout: must be at least 0.001 s (1 ms), got 0")]
    [InlineData("idle_timeout nan", "ports = [ 5280 ]\nidle_timeout = nan\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 16, "idle_timeout: must be a number of seconds, got nan")]
    [InlineData("shutdown_timeout infinite", "ports = [ 5280 ]\nshutdown_timeout = inf\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 20, "shutdown_timeout: must be at most 86400 s (1 day), got inf")]
    [InlineData("redispatch not a boolean", "ports = [ 5280 ]\nredispatch = 1\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 14, "redispatch")]
    [InlineData("passive_fall negative", "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\npassive_fall = -1\n", 4, 16, "passive_fall: must be")]
    public void Parse_OneMistake_ReportsItAtItsPosition(string mistake, string toml, int line, int column, string message)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.True(
            error.Source == Path && error.Line == line && error.Column == column && error.Message.Contains(message, StringComparison.Ordinal),
            $"{mistake}: expected {Path}:{line}:{column}: …{message}…, got {error}");
        Assert.StartsWith($"{Path}:{line}:{column}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsAllInLineOrder()
    {
        const string toml = """
            max_connections = 0
            ports = [ 5280, 0 ]
            expiraton = 10
            bind_addr = "nope"
            [groups.0]
            portmap = "127.0.0.1"
            drain = "yes"
            [[groups.0.healthchecks]]
            fall = 0
            http_method = "PUT"
            [[peers]]
            host = "a"
            mac_address = "00:00:00:00:00::01"
            """;

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        Assert.Equal(
            [
                "bad.toml:1:19: max_connections: must be at least 1, got 0",
                "bad.toml:2:17: ports[1]: port must be between 1 and 65535, got 0",
                "bad.toml:3:1: expiraton: unknown key (did you mean `expiration`?)",
                "bad.toml:4:13: bind_addr: 'nope' is not an IP address",
                "bad.toml:7:9: groups.0.drain: expected a boolean, got a string",
                "bad.toml:9:8: groups.0.healthchecks[0].fall: must be at least 1, got 0",
                "bad.toml:10:15: groups.0.healthchecks[0].http_method: must be one of `GET` or `POST`, got 'PUT'",
                "bad.toml:13:15: peers[0].mac_address: '00:00:00:00:00::01' is not a MAC address (expected six hex pairs such as 00:1a:2b:3c:4d:5e)",
            ],
            exception.Errors.Select(e => e.ToString()));
        Assert.Equal(string.Join(Environment.NewLine, exception.Errors), exception.Message);
    }

    [Fact]
    public void Parse_SeveralSyntaxErrors_ReportsThemInLineOrder()
    {
        const string toml = "ports = [ 5280 ]\nbind_addr = \nexpiration = = 3\n[groups.0]\nportmap = \"127.0.0.1\"\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        Assert.Equal([(2, 13), (3, 14), (3, 16)], exception.Errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("expecting a value", exception.Errors[0].Message, StringComparison.Ordinal);
        Assert.All(exception.Errors, e => Assert.Equal(Path, e.Source));
    }

    [Fact]
    public void Parse_ValidAndInvalidGroups_ReportsOnlyTheInvalidOne()
    {
        const string toml = "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n[groups.1]\nportmap = \"x\"\n[groups.2]\nportmap = \"127.0.0.2\"\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        Assert.Equal("bad.toml:5:11: groups.1.portmap: 'x' is not an IP address", Assert.Single(exception.Errors).ToString());
    }

    [Fact]
    public void Parse_MissingPortmap_ReportsIt()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("ports = [ 5280 ]\n[groups.0]\ndrain = true\n", Path));

        Assert.Equal("groups.0.portmap: required key is missing", Assert.Single(exception.Errors).Message);
    }

    [Fact]
    public void Parse_MissingPortmap_ReportsItAtTheGroupHeader()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("ports = [ 5280 ]\n[groups.0]\ndrain = true\n", Path));

        // Only the line is pinned: the header is line 2; the column may be the table name's or the bracket's.
        Assert.Equal(2, Assert.Single(exception.Errors).Line);
    }

    [Fact]
    public void Parse_SecondPeerMissingHost_ReportsItAtItsOwnHeader()
    {
        const string toml = Base + "[[peers]]\nhost = \"a\"\nmac_address = \"00:00:00:00:00:01\"\n[[peers]]\nmac_address = \"00:00:00:00:00:02\"\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal("peers[1].host: required key is missing", error.Message);
        Assert.Equal(7, error.Line);
    }

    [Theory]
    [InlineData("fall_action = \"-1\"", "fall_action")]
    [InlineData("fall_action = \"+2\"", "fall_action")]
    [InlineData("fall_action = \"Disabled, Up\"", "fall_action")]
    [InlineData("fall_action = \"Draining,Disabled\"", "fall_action")]
    [InlineData("http_method = \"-1\"", "http_method")]
    [InlineData("http_method = \"GET,POST\"", "http_method")]
    public void Parse_EnumWrittenAsNumberOrList_IsRejected(string line, string key)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Check + line + "\n", Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((5, 15), (error.Line, error.Column));
        Assert.StartsWith($"groups.0.healthchecks[0].{key}: must be one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GroupIdWrittenTwiceWithLeadingZero_IsRejected()
    {
        const string toml = "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n[groups.00]\nportmap = \"127.0.0.2\"\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("groups.00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PortmapKeyWrittenTwiceWithLeadingZero_IsRejected()
    {
        const string toml = "ports = [ 5280 ]\n[groups.0.portmap]\n5280 = \"127.0.0.1:80\"\n05280 = \"127.0.0.2:80\"\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((4, 1), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("ports = [ 5280 ]\nstats_bind_socket = \"1:2340\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 21)]
    [InlineData("ports = [ 5280 ]\nraft_stick_table_logs_bind_socket = \"127.1:2342\"\n[groups.0]\nportmap = \"127.0.0.1\"\n", 2, 37)]
    [InlineData("ports = [ 5280 ]\n[groups.0.portmap]\n5280 = \"10.1:80\"\n", 3, 8)]
    public void Parse_SocketAddressWithIpv4Shorthand_IsRejected(string toml, int line, int column)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains("is not an \"ip:port\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidIntervalAndLongTimeout_ReportsOnlyTheInterval()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Check + "interval = 0\ntimeout = 6\n", Path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((5, 12), (error.Line, error.Column));
    }
}
