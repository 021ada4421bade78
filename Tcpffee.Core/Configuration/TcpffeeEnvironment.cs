using System.Collections;
using System.Globalization;
using System.Net.NetworkInformation;
using Tcpffee.StickTable;

namespace Tcpffee.Configuration;

/// <summary>The settings that come from environment variables rather than the config file.</summary>
internal sealed record TcpffeeEnvironment
{
    public const string DefaultConfigPath = "/etc/tcpffee/tcpffee.toml";
    public const string DefaultPidPath = "/run/tcpffee.pid";
    public const string DefaultHealthCheckSavePath = "/var/lib/tcpffee/healthcheck_state";
    public const string DefaultStickTableSavePath = "/var/lib/tcpffee/stick_table";
    public const string DefaultDataDir = "/var/lib/tcpffee";

    public string ConfigPath { get; init; } = DefaultConfigPath;
    public string PidPath { get; init; } = DefaultPidPath;
    public string HealthCheckSavePath { get; init; } = DefaultHealthCheckSavePath;
    public string StickTableSavePath { get; init; } = DefaultStickTableSavePath;

    /// <summary>Where the Raft logs and snapshots live.</summary>
    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>Overrides the lookup of this machine's interface MACs when finding itself in <c>peers</c>.</summary>
    public PhysicalAddress? NodeMac { get; init; }

    /// <summary>Bearer token for the API's mutating routes; kept out of the config file on purpose.</summary>
    public string? ApiToken { get; init; }

    public KeyType KeyType { get; init; } = KeyType.Ip;

    /// <summary>First byte of the first-message slice (inclusive); meaningful with <see cref="KeyType.IpWithFirstMessageSlice"/>.</summary>
    public int SliceStart { get; init; }

    /// <summary>End of the first-message slice (exclusive).</summary>
    public int SliceEnd { get; init; }

    /// <summary>env_logger-style directives from <c>TCPFFEE_LOG</c>, else <c>RUST_LOG</c>.</summary>
    public LogDirectives Log { get; init; } = LogDirectives.Empty;

    /// <summary>From <c>TCPFFEE_LOG_FORMAT</c>: text lines, or one JSON object per line.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Reads the process environment; throws <see cref="ConfigException"/> listing every bad variable.</summary>
    public static TcpffeeEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string ?? "";
        }

        return Read(variables);
    }

    /// <summary>Reads the given variables; throws <see cref="ConfigException"/> listing every bad one.</summary>
    public static TcpffeeEnvironment Read(IReadOnlyDictionary<string, string> variables)
    {
        var errors = new List<ConfigError>();
        string Path(string name, string fallback)
        {
            var value = Get(name);
            if (value is null)
            {
                return fallback;
            }

            if (value.Length == 0)
            {
                errors.Add(ConfigError.Unplaced(name, "must not be empty"));
            }

            return value;
        }

        string? Get(string name) => variables.TryGetValue(name, out var value) ? value : null;

        var keyType = KeyType.Ip;
        switch (Get("TCPFFEE_KEY_TYPE"))
        {
            case null or "IP":
                break;
            case "IP_WITH_FIRST_MESSAGE_SLICE":
                keyType = KeyType.IpWithFirstMessageSlice;
                break;
            case var other:
                errors.Add(ConfigError.Unplaced("TCPFFEE_KEY_TYPE", $"must be IP or IP_WITH_FIRST_MESSAGE_SLICE, got '{other}'"));
                break;
        }

        var start = ReadOffset("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", Get, errors);
        var end = ReadOffset("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", Get, errors);
        if (keyType == KeyType.IpWithFirstMessageSlice)
        {
            RequireSlice(start, end, Get, errors);
        }

        PhysicalAddress? nodeMac = null;
        if (Get("TCPFFEE_NODE_MAC") is { } macText && !MacAddress.TryParse(macText, out nodeMac))
        {
            errors.Add(ConfigError.Unplaced("TCPFFEE_NODE_MAC", $"'{macText}' is not a MAC address (expected six hex pairs such as 00:1a:2b:3c:4d:5e)"));
        }

        var (logName, logText) = Get("TCPFFEE_LOG") is { } own ? ("TCPFFEE_LOG", own) : ("RUST_LOG", Get("RUST_LOG"));
        var log = LogDirectives.Empty;
        if (logText is not null && !LogDirectives.TryParse(logText, out log, out var logError))
        {
            errors.Add(ConfigError.Unplaced(logName, logError));
        }

        var logFormat = LogFormat.Text;
        switch (Get("TCPFFEE_LOG_FORMAT")?.ToUpperInvariant())
        {
            case null or "TEXT":
                break;
            case "JSON":
                logFormat = LogFormat.Json;
                break;
            default:
                errors.Add(ConfigError.Unplaced("TCPFFEE_LOG_FORMAT", $"must be text or json, got '{Get("TCPFFEE_LOG_FORMAT")}'"));
                break;
        }

        var environment = new TcpffeeEnvironment
        {
            ConfigPath = Path("TCPFFEE_CONFIG_PATH", DefaultConfigPath),
            PidPath = Path("TCPFFEE_PID_PATH", DefaultPidPath),
            HealthCheckSavePath = Path("TCPFFEE_HEALTHCHECK_SAVE_PATH", DefaultHealthCheckSavePath),
            StickTableSavePath = Path("TCPFFEE_STICK_TABLE_SAVE_PATH", DefaultStickTableSavePath),
            DataDir = Path("TCPFFEE_DATA_DIR", DefaultDataDir),
            NodeMac = nodeMac,
            ApiToken = ReadApiToken(Get("TCPFFEE_API_TOKEN"), errors),
            KeyType = keyType,
            SliceStart = start ?? 0,
            SliceEnd = end ?? 0,
            Log = log,
            LogFormat = logFormat,
        };

        return errors.Count == 0 ? environment : throw new ConfigException(errors);
    }

    /// <summary>
    /// The token as set, or null when the variable is unset. Empty would quietly mean "no token" (loopback clients only),
    /// and surrounding whitespace could never match, since the bearer token is read trimmed; both are mistakes, reported
    /// without the value, which is a secret.
    /// </summary>
    private static string? ReadApiToken(string? token, List<ConfigError> errors)
    {
        const string name = "TCPFFEE_API_TOKEN";
        if (token is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            errors.Add(ConfigError.Unplaced(name, "is set but empty; give it a token, or unset it to allow only loopback clients on the admin routes"));
            return null;
        }

        if (token.Trim().Length != token.Length)
        {
            errors.Add(ConfigError.Unplaced(name, "has leading or trailing whitespace, which no bearer token can match; remove it"));
            return null;
        }

        return token;
    }

    private static int? ReadOffset(string name, Func<string, string?> get, List<ConfigError> errors)
    {
        if (get(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(ConfigError.Unplaced(name, $"must be a non-negative integer, got '{text}'"));
        return null;
    }

    private static void RequireSlice(int? start, int? end, Func<string, string?> get, List<ConfigError> errors)
    {
        const string why = "is required when TCPFFEE_KEY_TYPE is IP_WITH_FIRST_MESSAGE_SLICE";
        if (start is null && get("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START") is null)
        {
            errors.Add(ConfigError.Unplaced("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START", why));
        }

        if (end is null && get("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END") is null)
        {
            errors.Add(ConfigError.Unplaced("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", why));
        }

        if (start is { } s && end is { } e && e <= s)
        {
            errors.Add(ConfigError.Unplaced("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", $"must be greater than TCPFFEE_KEY_FIRST_MESSAGE_SLICE_START ({s}), got {e}"));
        }

        // A key slice is held in memory for every connection while it waits for the first message; bound it.
        if (end is > MaxSliceEnd)
        {
            errors.Add(ConfigError.Unplaced("TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", $"must be at most {MaxSliceEnd}, got {end}"));
        }

        // Every stick entry keeps its slice, so its length is bounded like the rest of an entry.
        if (start is { } from && end is { } to && to - from > StickKey.MaxSliceLength)
        {
            errors.Add(ConfigError.Unplaced(
                "TCPFFEE_KEY_FIRST_MESSAGE_SLICE_END", $"the slice may be at most {StickKey.MaxSliceLength} bytes long, got {to - from} (END - START)"));
        }
    }

    /// <summary>The largest first-message prefix the proxy will wait for.</summary>
    public const int MaxSliceEnd = 65536;
}
