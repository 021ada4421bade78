using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

public sealed class TcpffeeEnvironmentTests
{
    private static TcpffeeEnvironment Read(params (string Name, string Value)[] variables) =>
        TcpffeeEnvironment.Read(variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));

    private static IReadOnlyList<ConfigError> Errors(params (string Name, string Value)[] variables) =>
        Assert.Throws<ConfigException>(() => Read(variables)).Errors;

    [Fact]
    public void Read_NoVariables_UsesEveryDefault()
    {
        var environment = Read();

        Assert.Equal("/etc/tcpffee/tcpffee.toml", environment.ConfigPath);
        Assert.Equal("/run/tcpffee.pid", environment.PidPath);
        Assert.Equal("/var/lib/tcpffee/healthcheck_state", environment.HealthCheckSavePath);
        Assert.Equal("/var/lib/tcpffee/stick_table", environment.StickTableSavePath);
        Assert.Equal("/var/lib/tcpffee", environment.DataDir);
        Assert.Equal(KeyType.Ip, environment.KeyType);
        Assert.Equal(0, environment.SliceStart);
        Assert.Equal(0, environment.SliceEnd);
        Assert.Null(environment.NodeMac);
        Assert.Null(environment.ApiToken);
        Assert.Equal(LogDirectives.Empty, environment.Log);
    }

    [Fact]
    public void Read_UnrelatedVariables_AreIgnored()
    {
        var environment = Read(("PATH", "/usr/bin"), ("TCPFFEE_UNKNOWN", "x"), ("HOME", "/root"));

        Assert.Equal(new TcpffeeEnvironment(), environment);
    }

    [Fact]
    public void Read_PathVariables_OverrideDefaults()
    {
        var environment = Read(
            ("TCPFFEE_CONFIG_PATH", "/tmp/a.toml"),
            ("TCPFFEE_PID_PATH", "/tmp/a.pid"),
            ("TCPFFEE_HEALTHCHECK_SAVE_PATH", "/tmp/health"),
            ("TCPFFEE_STICK_TABLE_SAVE_PATH", "/tmp/stick"),
            ("TCPFFEE_DATA_DIR", "/tmp/data"));

        Assert.Equal("/tmp/a.toml", environment.ConfigPath);
        Assert.Equal("/tmp/a.pid", environment.PidPath);
        Assert.Equal("/tmp/health", environment.HealthCheckSavePath);
        Assert.Equal("/tmp/stick", environment.StickTableSavePath);
        Assert.Equal("/tmp/data", environment.DataDir);
    }

    [Theory]
    [InlineData("TCPFFEE_CONFIG_PATH")]
    [InlineData("TCPFFEE_PID_PATH")]
    [InlineData("TCPFFEE_HEALTHCHECK_SAVE_PATH")]
    [InlineData("TCPFFEE_STICK_TABLE_SAVE_PATH")]
    [InlineData("TCPFFEE_DATA_DIR")]
    public void Read_EmptyPathVariable_IsRejected(string name)
    {
        var error = Assert.Single(Errors((name, "")));

        Assert.Equal(ConfigError.Unplaced(name, "must not be empty"), error);
        Assert.Equal($"{name}: must not be empty", error.ToString());
    }

    [Fact]
    public void Read_KeyTypeIp_IsIp()
    {
        Assert.Equal(KeyType.Ip, Read(("TCPFFEE_KEY_TYPE", "IP")).KeyType);
    }

    [Fact]
    public void Read_KeyTypeSliceWithBounds_ReadsThem()
    {
        var environment = Read(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "0"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "16"));

        Assert.Equal(KeyType.IpWithFirstMessageSlice, environment.KeyType);
        Assert.Equal(0, environment.SliceStart);
        Assert.Equal(16, environment.SliceEnd);
    }

    [Fact]
    public void Read_KeyTypeSliceWithLargestEnd_IsAccepted()
    {
        var environment = Read(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "64512"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "65536"));

        Assert.Equal(65536, environment.SliceEnd);
    }

    [Fact]
    public void Read_SliceLongerThanAKeyHolds_IsRejected()
    {
        var error = Assert.Single(Errors(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "10"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "1035")));

        Assert.Equal("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", error.Source);
        Assert.Equal("the slice may be at most 1024 bytes long, got 1025 (END - START)", error.Message);
    }

    [Theory]
    [InlineData("ip")]
    [InlineData("IP_WITH_SLICE")]
    [InlineData("")]
    [InlineData(" IP")]
    public void Read_InvalidKeyType_IsRejected(string value)
    {
        var error = Assert.Single(Errors(("TCPFFEE_KEY_TYPE", value)));

        Assert.Equal("TCPFFEE_KEY_TYPE", error.Source);
        Assert.Equal(0, error.Line);
        Assert.Equal($"must be IP or IP_WITH_FIRST_MESSAGE_SLICE, got '{value}'", error.Message);
    }

    [Theory]
    [InlineData("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END")]
    [InlineData("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START")]
    public void Read_SliceKeyWithoutOneBound_ReportsTheMissingOne(string missing, string present)
    {
        var error = Assert.Single(Errors(("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"), (present, "2")));

        Assert.Equal(missing, error.Source);
        Assert.Equal("is required when TCPFFEE_KEY_TYPE is IP_WITH_FIRST_MESSAGE_SLICE", error.Message);
    }

    [Fact]
    public void Read_SliceKeyWithoutBounds_ReportsBoth()
    {
        var errors = Errors(("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"));

        Assert.Equal(
            ["TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END"],
            errors.Select(e => e.Source));
        Assert.All(errors, e => Assert.Contains("is required", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("5", "5")]
    [InlineData("6", "5")]
    [InlineData("1", "0")]
    public void Read_SliceEndNotAfterStart_IsRejected(string start, string end)
    {
        var error = Assert.Single(Errors(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", start),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", end)));

        Assert.Equal("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", error.Source);
        Assert.Equal($"must be greater than TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START ({start}), got {end}", error.Message);
    }

    [Fact]
    public void Read_SliceEndBeyondLimit_IsRejected()
    {
        var error = Assert.Single(Errors(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "65000"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "65537")));

        Assert.Equal("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", error.Source);
        Assert.Equal("must be at most 65536, got 65537", error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("99999999999")]
    public void Read_NonNumericSliceStart_IsRejectedOnce(string value)
    {
        var error = Assert.Single(Errors(
            ("TCPFFEE_KEY_TYPE", "IP_WITH_FIRST_MESSAGE_SLICE"),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", value),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "8")));

        Assert.Equal("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", error.Source);
        Assert.Equal($"must be a non-negative integer, got '{value}'", error.Message);
    }

    [Fact]
    public void Read_NonNumericSliceEnd_IsRejectedEvenWithIpKeyType()
    {
        var error = Assert.Single(Errors(("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", "x")));

        Assert.Equal("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", error.Source);
        Assert.Equal("must be a non-negative integer, got 'x'", error.Message);
    }

    [Theory]
    [InlineData("00:1a:2b:3c:4d:5e")]
    [InlineData("00-1A-2B-3C-4D-5E")]
    [InlineData("001a2b3c4d5e")]
    public void Read_ValidNodeMac_IsParsed(string value)
    {
        var environment = Read(("TCPFFEE_NODE_MAC", value));

        Assert.Equal(PhysicalAddress.Parse("00-1A-2B-3C-4D-5E"), environment.NodeMac);
    }

    [Theory]
    [InlineData("00:00:00:00:00::01")]
    [InlineData("00:1a:2b:3c:4d")]
    [InlineData("00:1a:2b:3c:4d:5g")]
    [InlineData("00:1a-2b:3c:4d:5e")]
    [InlineData("")]
    public void Read_InvalidNodeMac_IsRejected(string value)
    {
        var error = Assert.Single(Errors(("TCPFFEE_NODE_MAC", value)));

        Assert.Equal("TCPFFEE_NODE_MAC", error.Source);
        Assert.StartsWith($"'{value}' is not a MAC address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ApiToken_IsKept()
    {
        Assert.Equal("s3cret", Read(("TCPFFEE_API_TOKEN", "s3cret")).ApiToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Read_EmptyApiToken_IsRejected(string value)
    {
        // Set but empty would otherwise mean no token at all: the admin routes quietly open to loopback clients only.
        var error = Assert.Single(Errors(("TCPFFEE_API_TOKEN", value)));

        Assert.Equal("TCPFFEE_API_TOKEN", error.Source);
        Assert.Equal("is set but empty; give it a token, or unset it to allow only loopback clients on the admin routes", error.Message);
    }

    [Theory]
    [InlineData(" s3cret")]
    [InlineData("s3cret ")]
    [InlineData("s3cret\n")]
    [InlineData("\ts3cret\r\n")]
    public void Read_ApiTokenWithSurroundingWhitespace_IsRejectedWithoutShowingIt(string value)
    {
        // A bearer token is read without surrounding whitespace, so such a token could never match.
        var error = Assert.Single(Errors(("TCPFFEE_API_TOKEN", value)));

        Assert.Equal("TCPFFEE_API_TOKEN", error.Source);
        Assert.Equal("has leading or trailing whitespace, which no bearer token can match; remove it", error.Message);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ApiTokenWithInnerSpace_IsKept()
    {
        Assert.Equal("s3 cret", Read(("TCPFFEE_API_TOKEN", "s3 cret")).ApiToken);
    }

    [Fact]
    public void Read_TcpffeeLogLevel_SetsTheDefaultLevel()
    {
        var log = Read(("TCPFFEE_LOG", "info")).Log;

        Assert.Equal(LogLevel.Information, log.Default);
        Assert.Empty(log.Categories);
    }

    [Fact]
    public void Read_TcpffeeLogWithCategory_SetsDefaultAndCategory()
    {
        var log = Read(("TCPFFEE_LOG", "warn,Tcpffee.Health=debug")).Log;

        Assert.Equal(LogLevel.Warning, log.Default);
        Assert.Equal(new[] { KeyValuePair.Create("Tcpffee.Health", LogLevel.Debug) }, log.Categories);
    }

    [Fact]
    public void Read_InvalidTcpffeeLog_IsRejected()
    {
        var error = Assert.Single(Errors(("TCPFFEE_LOG", "x=bogus")));

        Assert.Equal("TCPFFEE_LOG", error.Source);
        Assert.StartsWith("'x=bogus' is not a directive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("text", false)]
    [InlineData("json", true)]
    [InlineData("JSON", true)]
    public void Read_LogFormat_IsTextUnlessJson(string? value, bool json)
    {
        var environment = value is null ? Read() : Read(("TCPFFEE_LOG_FORMAT", value));

        Assert.Equal(json ? LogFormat.Json : LogFormat.Text, environment.LogFormat);
    }

    [Fact]
    public void Read_UnknownLogFormat_IsRejected()
    {
        var error = Assert.Single(Errors(("TCPFFEE_LOG_FORMAT", "logfmt")));

        Assert.Equal("TCPFFEE_LOG_FORMAT", error.Source);
        Assert.Equal("must be text or json, got 'logfmt'", error.Message);
    }

    [Fact]
    public void Read_RustLogWithoutTcpffeeLog_IsUsed()
    {
        var log = Read(("RUST_LOG", "debug")).Log;

        Assert.Equal(LogLevel.Debug, log.Default);
    }

    [Fact]
    public void Read_InvalidRustLogWithoutTcpffeeLog_IsRejectedUnderItsName()
    {
        var error = Assert.Single(Errors(("RUST_LOG", "x=bogus")));

        Assert.Equal("RUST_LOG", error.Source);
    }

    [Fact]
    public void Read_RustLogWithTcpffeeLog_IsIgnored()
    {
        var log = Read(("TCPFFEE_LOG", "error"), ("RUST_LOG", "x=bogus")).Log;

        Assert.Equal(new LogDirectives(LogLevel.Error, []), log);
    }

    [Fact]
    public void Read_RustLogModulePath_MapsToLoggerCategory()
    {
        var log = Read(("RUST_LOG", "tcpffee::health=debug")).Log;

        Assert.Null(log.Default);
        Assert.Equal(new[] { KeyValuePair.Create("tcpffee.health", LogLevel.Debug) }, log.Categories);
    }

    [Fact]
    public void Read_SeveralBadVariables_ReportsAllOfThem()
    {
        var errors = Errors(
            ("TCPFFEE_KEY_TYPE", "HASH"),
            ("TCPFFEE_NODE_MAC", "nope"),
            ("TCPFFEE_LOG", "x=bogus"),
            ("TCPFFEE_PID_PATH", ""),
            ("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "a"));

        Assert.Equal(
            ["TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", "TCPFFEE_KEY_TYPE", "TCPFFEE_LOG", "TCPFFEE_NODE_MAC", "TCPFFEE_PID_PATH"],
            errors.Select(e => e.Source).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal((0, 0), (e.Line, e.Column)));
    }
}
