using System.Net;
using System.Net.NetworkInformation;
using Tcpffee.Configuration;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    /// <summary>
    /// The example of the original README, verbatim except: its MAC addresses (<c>00:00:00:00:00::01</c> is not one)
    /// are made valid, and the commented-out <c>http_headers</c> line is enabled.
    /// </summary>
    private const string ReadmeExample = """
        # IP address to bind to.
        bind_addr = "0.0.0.0"
        # Socket to bind stats API to.
        stats_bind_socket = "127.0.0.1:2340"
        # Socket to bind TCP listeners for inter-proxy communications.
        # Defaults to localhost only for security, as is ideal for single proxy deployments.
        # Every proxy must be able to access both of these ports on every other proxy.
        # Make sure these ports are not externally accessible!
        #
        # Note: These may be merged into fewer ports in future.
        raft_healthchecks_logs_bind_socket="127.0.0.1:2341"
        raft_stick_table_logs_bind_socket="127.0.0.1:2342"
        raft_healthchecks_proposals_bind_socket="127.0.0.1:2343"
        raft_stick_table_proposals_bind_socket="127.0.0.1:2344"
        # Ports to listen on.
        ports = [ 5280, 5281, 5282 ]
        # How many seconds a stick table entry is valid for without activity
        expiration = 10
        # Every group must have a unique ID and it must stay the same throughout the
        # life of the group.
        [groups.0]
        # `portmap` defines which hosts a port is forwarded to.
        # This can be expressed as one IP address or as a port-ip mapping for finer
        # control:
        portmap = "127.0.0.1"
        # Optional attributes used to drain or disable a servers
        # default: false
        drain = false
        # default: false
        disabled = false
        [groups.1]
        portmap = "172.31.100.20"
        # A group can have any number of healthchecks, including zero.
        [[groups.1.healthchecks]]
        # Healthchecks are TCP by default.
        # How many checks can fail before server group is drained or disabled, default: 3
        fall = 3
        # What to do to the *whole group* when a server fails its healthchecks.
        # default: `Draining`, values: `Draining`, `Disabled`, `Up` (ignore healthcheck)
        fall_action = "Draining"
        # How many healthchecks must pass before server group is resumed, default: 5
        rise = 5
        # How often to run the healthcheck (seconds between execution), default: 5.
        interval = 5
        # Maximum seconds to wait for the check to complete before considering it a fail,
        # default: half of interval.
        timeout = 1
        [[groups.1.healthchecks]]
        interval = 5
        # Example of a HTTP healthcheck.
        # HTTP mode can be set by specifying at least one of the options starting with `http_`.
        fall_action = "Disabled"
        # The endpoint on the server to check health with, default: "/"
        http_target = "/health"
        # Any HTTP headers to attach to the request, default: {}
        http_headers = { Content-Type = "text/plain" }
        # HTTP method to use, default: GET, values: GET, POST
        http_method = "POST"
        # HTTP request body, default: None
        http_body = "Hello, World!"
        # HTTP response code which indicates a healthy server default: 200
        http_status = 201
        [groups.2]
        # `portmap` defines which hosts a port is forwarded to.
        # This can be expressed as one IP address or as a port-ip mapping for finer
        # control:
        [groups.2.portmap]
        5280 = "172.31.100.198:5280"
        5281 = "172.31.100.20:3487"
        5282 = "172.31.100.3:5282"
        # List of all peers, including the peer itself.
        # If left empty, the proxy will run on its own.
        [[ peers ]]
        # Hostname that can be used to communicate with the peer from other peers.
        # Can also be IP address.
        host = "hostname.domain"
        # MAC address of a network interface on the peer.
        # Used to assign peers their node ID, and for peers to identify which peer they are.
        mac_address = "00:00:00:00:00:01"
        [[ peers ]]
        host = "hostname.domain"
        mac_address = "00:00:00:00:00:02"
        """;

    private const string Minimal = """
        ports = [ 5280 ]
        [groups.0]
        portmap = "127.0.0.1"
        """;

    [Fact]
    public void Parse_ReadmeExample_ReadsRootSettings()
    {
        var config = ConfigLoader.Parse(ReadmeExample, "readme.toml");

        Assert.Equal("readme.toml", config.SourcePath);
        Assert.Equal(IPAddress.Any, config.BindAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 2340), config.StatsBindSocket);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 2341), config.RaftSockets.HealthchecksLogs);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 2342), config.RaftSockets.StickTableLogs);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 2343), config.RaftSockets.HealthchecksProposals);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 2344), config.RaftSockets.StickTableProposals);
        Assert.Equal<int>([5280, 5281, 5282], config.Ports);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Expiration);
        Assert.Equal([0, 1, 2], config.Groups.Select(g => g.Id));
    }

    [Fact]
    public void Parse_ReadmeExample_ReadsGroupWithSingleHost()
    {
        var group = ConfigLoader.Parse(ReadmeExample, "readme.toml").Groups[0];

        Assert.Equal(0, group.Id);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), group.Portmap.Host);
        Assert.Empty(group.Portmap.Ports);
        Assert.False(group.Drain);
        Assert.False(group.Disabled);
        Assert.Equal(3, group.PassiveFall);
        Assert.Empty(group.HealthChecks);
    }

    [Fact]
    public void Parse_RedispatchOffAndPassiveFallZero_Read()
    {
        var config = ConfigLoader.Parse("redispatch = false\n" + Minimal + "\npassive_fall = 0\n", "t.toml");

        Assert.False(config.Redispatch);
        Assert.Equal(0, config.Groups[0].PassiveFall);
    }

    [Fact]
    public void Parse_ArraysOfInlineTables_ReadAsTheirHeaderForms()
    {
        var config = ConfigLoader.Parse(
            """
            ports = [ 5280 ]
            peers = [ { host = "10.0.0.1", mac_address = "02:00:00:00:00:01" }, { host = "10.0.0.2", mac_address = "02:00:00:00:00:02" } ]
            [groups.0]
            portmap = "127.0.0.1"
            healthchecks = [ { interval = 2 }, { interval = 3, fall = 1 } ]
            [groups.1]
            portmap = "127.0.0.2"
            healthchecks = []
            """,
            "t.toml");

        Assert.Equal(["10.0.0.1", "10.0.0.2"], config.Peers.Select(p => p.Host));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], config.Groups[0].HealthChecks.Select(c => c.Interval));
        Assert.Equal([0, 1], config.Groups[0].HealthChecks.Select(c => c.Index));
        Assert.Equal(1, config.Groups[0].HealthChecks[1].Fall);
        Assert.Empty(config.Groups[1].HealthChecks);
    }

    [Fact]
    public void Parse_MistakeInAnInlineTableOfAnArray_IsReportedAtItsKeyInThatTable()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\nhealthchecks = [ { interval = 2 }, { interval = 1e-9 } ]\n", "t.toml"));

        var error = Assert.Single(exception.Errors);
        Assert.Equal("t.toml:4:38: groups.0.healthchecks[1].interval: must be at least 0.01 s (10 ms), got 1e-09", error.ToString());
    }

    [Fact]
    public void Parse_ReadmeExample_ReadsTcpHealthCheck()
    {
        var group = ConfigLoader.Parse(ReadmeExample, "readme.toml").Groups[1];

        Assert.Equal(1, group.Id);
        Assert.Equal(IPAddress.Parse("172.31.100.20"), group.Portmap.Host);
        Assert.False(group.Drain);
        Assert.False(group.Disabled);
        Assert.Equal(2, group.HealthChecks.Length);
        var tcp = group.HealthChecks[0];
        Assert.Equal(0, tcp.Index);
        Assert.Equal(3, tcp.Fall);
        Assert.Equal(FallAction.Draining, tcp.FallAction);
        Assert.Equal(5, tcp.Rise);
        Assert.Equal(TimeSpan.FromSeconds(5), tcp.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), tcp.Timeout);
        Assert.Null(tcp.Http);
        Assert.Null(tcp.Port);
    }

    [Fact]
    public void Parse_ReadmeExample_ReadsHttpHealthCheckWithDefaults()
    {
        var check = ConfigLoader.Parse(ReadmeExample, "readme.toml").Groups[1].HealthChecks[1];

        Assert.Equal(1, check.Index);
        Assert.Equal(HealthCheckConfig.DefaultFall, check.Fall);
        Assert.Equal(3, check.Fall);
        Assert.Equal(HealthCheckConfig.DefaultRise, check.Rise);
        Assert.Equal(5, check.Rise);
        Assert.Equal(FallAction.Disabled, check.FallAction);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2.5), check.Timeout);
        Assert.Null(check.Port);
        var http = Assert.IsType<HttpCheckConfig>(check.Http);
        Assert.Equal("/health", http.Target);
        Assert.Equal(HttpCheckMethod.Post, http.Method);
        Assert.Equal("Hello, World!", http.Body);
        Assert.Equal(201, http.Status);
        Assert.Equal(new[] { KeyValuePair.Create("Content-Type", "text/plain") }, http.Headers);
    }

    [Fact]
    public void Parse_ReadmeExample_ReadsPortmapTable()
    {
        var group = ConfigLoader.Parse(ReadmeExample, "readme.toml").Groups[2];

        Assert.Equal(2, group.Id);
        Assert.Null(group.Portmap.Host);
        Assert.Equal(
            [
                new(5280, IPEndPoint.Parse("172.31.100.198:5280")),
                new(5281, IPEndPoint.Parse("172.31.100.20:3487")),
                new KeyValuePair<int, IPEndPoint>(5282, IPEndPoint.Parse("172.31.100.3:5282")),
            ],
            group.Portmap.Ports);
        Assert.False(group.Drain);
        Assert.False(group.Disabled);
        Assert.Empty(group.HealthChecks);
    }

    [Fact]
    public void Parse_ReadmeExample_ReadsPeers()
    {
        var peers = ConfigLoader.Parse(ReadmeExample, "readme.toml").Peers;

        Assert.Equal(
            new[]
            {
                new PeerConfig("hostname.domain", PhysicalAddress.Parse("00-00-00-00-00-01")),
                new PeerConfig("hostname.domain", PhysicalAddress.Parse("00-00-00-00-00-02")),
            },
            peers);
    }

    [Fact]
    public void Parse_MinimalConfig_AppliesEveryDefault()
    {
        var config = ConfigLoader.Parse(Minimal, "minimal.toml");

        Assert.Equal(IPAddress.Parse("0.0.0.0"), config.BindAddress);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2340"), config.StatsBindSocket);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2341"), config.RaftSockets.HealthchecksLogs);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2342"), config.RaftSockets.StickTableLogs);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2343"), config.RaftSockets.HealthchecksProposals);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2344"), config.RaftSockets.StickTableProposals);
        Assert.Equal<int>([5280], config.Ports);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Expiration);
        Assert.Equal(TimeSpan.FromSeconds(5), config.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), config.FirstMessageTimeout);
        Assert.Equal(TimeSpan.Zero, config.IdleTimeout);
        Assert.Equal(100_000, config.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(30), config.ShutdownTimeout);
        Assert.Equal(1_000_000, config.StickTableMaxEntries);
        Assert.True(config.Redispatch);
        Assert.Empty(config.Peers);
        var group = Assert.Single(config.Groups);
        Assert.Equal(0, group.Id);
        Assert.Equal(IPAddress.Loopback, group.Portmap.Host);
        Assert.False(group.Drain);
        Assert.False(group.Disabled);
        Assert.Empty(group.HealthChecks);
    }

    [Fact]
    public void Parse_EmptyHealthCheck_AppliesEveryHealthCheckDefault()
    {
        var check = Assert.Single(ConfigLoader.Parse(Minimal + "\n[[groups.0.healthchecks]]\n", "t.toml").Groups[0].HealthChecks);

        Assert.Equal(3, check.Fall);
        Assert.Equal(5, check.Rise);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2.5), check.Timeout);
        Assert.Equal(FallAction.Draining, check.FallAction);
        Assert.Null(check.Http);
        Assert.Null(check.Port);
    }

    [Theory]
    [InlineData("interval = 1", 0.5)]
    [InlineData("interval = 7", 3.5)]
    [InlineData("interval = 0.5", 0.25)]
    [InlineData("interval = 7\ntimeout = 7", 7.0)]
    [InlineData("interval = 7\ntimeout = 0.1", 0.1)]
    public void Parse_HealthCheckTimeout_IsHalfTheIntervalUnlessGiven(string lines, double expectedSeconds)
    {
        var check = ConfigLoader.Parse(Minimal + "\n[[groups.0.healthchecks]]\n" + lines + "\n", "t.toml").Groups[0].HealthChecks[0];

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), check.Timeout);
    }

    [Theory]
    [InlineData("0.25", 250)]
    [InlineData("2", 2000)]
    public void Parse_FirstMessageTimeoutAsFloatOrInteger_IsAccepted(string value, int expectedMilliseconds)
    {
        var config = ConfigLoader.Parse($"first_message_timeout = {value}\n{Minimal}", "t.toml");

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), config.FirstMessageTimeout);
    }

    [Theory]
    [InlineData("expiration", "0", 0.0)]
    [InlineData("expiration", "1.5", 1.5)]
    [InlineData("connect_timeout", "0.1", 0.1)]
    [InlineData("connect_timeout", "3", 3.0)]
    [InlineData("idle_timeout", "0", 0.0)]
    [InlineData("idle_timeout", "600", 600.0)]
    [InlineData("shutdown_timeout", "0", 0.0)]
    [InlineData("shutdown_timeout", "2.5", 2.5)]
    public void Parse_DurationSettings_AreReadInSeconds(string key, string value, double expectedSeconds)
    {
        var config = ConfigLoader.Parse($"{key} = {value}\n{Minimal}", "t.toml");

        var actual = key switch
        {
            "expiration" => config.Expiration,
            "connect_timeout" => config.ConnectTimeout,
            "idle_timeout" => config.IdleTimeout,
            _ => config.ShutdownTimeout,
        };
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), actual);
    }

    [Fact]
    public void Parse_MaxConnectionsAndStickTableMaxEntries_AreRead()
    {
        var config = ConfigLoader.Parse("max_connections = 7\nstick_table_max_entries = 9\n" + Minimal, "t.toml");

        Assert.Equal(7, config.MaxConnections);
        Assert.Equal(9, config.StickTableMaxEntries);
    }

    [Fact]
    public void Parse_HealthCheckPort_IsRead()
    {
        var check = ConfigLoader.Parse(Minimal + "\n[[groups.0.healthchecks]]\nport = 8080\n", "t.toml").Groups[0].HealthChecks[0];

        Assert.Equal(8080, check.Port);
        Assert.Null(check.Http);
    }

    [Fact]
    public void Parse_PortmapTableWithIpv6Endpoint_IsRead()
    {
        var config = ConfigLoader.Parse("ports = [ 5280 ]\n[groups.0.portmap]\n5280 = \"[::1]:80\"\n", "t.toml");

        var (port, endPoint) = Assert.Single(config.Groups[0].Portmap.Ports);
        Assert.Equal(5280, port);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 80), endPoint);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 80), config.Groups[0].Portmap.Resolve(5280));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public void Parse_PortmapIpv6Host_IsRead(string host)
    {
        var config = ConfigLoader.Parse($"ports = [ 5280 ]\n[groups.0]\nportmap = \"{host}\"\n", "t.toml");

        Assert.Equal(IPAddress.IPv6Loopback, config.Groups[0].Portmap.Host);
    }

    [Fact]
    public void Parse_OnlyHttpStatus_MakesHttpCheckWithDefaultTargetAndGet()
    {
        var check = ConfigLoader.Parse(Minimal + "\n[[groups.0.healthchecks]]\nhttp_status = 204\n", "t.toml").Groups[0].HealthChecks[0];

        var http = Assert.IsType<HttpCheckConfig>(check.Http);
        Assert.Equal("/", http.Target);
        Assert.Equal(HttpCheckMethod.Get, http.Method);
        Assert.Equal(204, http.Status);
        Assert.Null(http.Body);
        Assert.Empty(http.Headers);
    }

    [Fact]
    public void Parse_OnlyHttpTarget_MakesHttpCheckWithStatus200()
    {
        var check = ConfigLoader.Parse(Minimal + "\n[[groups.0.healthchecks]]\nhttp_target = \"/up\"\n", "t.toml").Groups[0].HealthChecks[0];

        var http = Assert.IsType<HttpCheckConfig>(check.Http);
        Assert.Equal("/up", http.Target);
        Assert.Equal(HttpCheckMethod.Get, http.Method);
        Assert.Equal(200, http.Status);
    }

    [Theory]
    [InlineData("Draining", nameof(FallAction.Draining))]
    [InlineData("Disabled", nameof(FallAction.Disabled))]
    [InlineData("Up", nameof(FallAction.Up))]
    public void Parse_FallAction_AcceptsEveryDocumentedValue(string text, string expected)
    {
        var check = ConfigLoader.Parse(Minimal + $"\n[[groups.0.healthchecks]]\nfall_action = \"{text}\"\n", "t.toml").Groups[0].HealthChecks[0];

        Assert.Equal(Enum.Parse<FallAction>(expected), check.FallAction);
    }

    [Theory]
    [InlineData("GET", nameof(HttpCheckMethod.Get))]
    [InlineData("POST", nameof(HttpCheckMethod.Post))]
    public void Parse_HttpMethod_AcceptsEveryDocumentedValue(string text, string expected)
    {
        var check = ConfigLoader.Parse(Minimal + $"\n[[groups.0.healthchecks]]\nhttp_method = \"{text}\"\n", "t.toml").Groups[0].HealthChecks[0];

        Assert.Equal(Enum.Parse<HttpCheckMethod>(expected), check.Http?.Method);
    }

    [Fact]
    public void Parse_DrainAndDisabled_AreRead()
    {
        var config = ConfigLoader.Parse(
            "ports = [ 5280 ]\n[groups.3]\nportmap = \"10.0.0.3\"\ndrain = true\n[groups.1]\nportmap = \"10.0.0.1\"\ndisabled = true\n",
            "t.toml");

        Assert.Equal([1, 3], config.Groups.Select(g => g.Id));
        Assert.True(config.Groups[0].Disabled);
        Assert.False(config.Groups[0].Drain);
        Assert.True(config.Groups[1].Drain);
        Assert.False(config.Groups[1].Disabled);
    }

    [Theory]
    [InlineData("00:1a:2b:3c:4d:5e")]
    [InlineData("00-1A-2B-3C-4D-5E")]
    [InlineData("001a2b3c4d5e")]
    public void Parse_MacAddressForms_AreAccepted(string mac)
    {
        var config = ConfigLoader.Parse(Minimal + $"\n[[peers]]\nhost = \"10.0.0.1\"\nmac_address = \"{mac}\"\n", "t.toml");

        var peer = Assert.Single(config.Peers);
        Assert.Equal("10.0.0.1", peer.Host);
        Assert.Equal("00:1a:2b:3c:4d:5e", MacAddress.Format(peer.MacAddress));
    }

    [Fact]
    public void LoadFile_ExistingFile_ParsesIt()
    {
        using var directory = new TempDirectory();
        var path = directory.WriteFile("tcpffee.toml", Minimal);

        var config = ConfigLoader.LoadFile(path);

        Assert.Equal(path, config.SourcePath);
        Assert.Equal<int>([5280], config.Ports);
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsUnplacedErrorNamingThePath()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("absent.toml");

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(path, error.Source);
        Assert.Equal(0, error.Line);
        Assert.Contains("cannot read the configuration file", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", error.ToString(), StringComparison.Ordinal);
    }
}
