using System.Collections.Immutable;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>Reads and validates one <c>[[groups.N.healthchecks]]</c> table.</summary>
internal static class HealthCheckConfigReader
{
    public static HealthCheckConfig? Read(TomlTableReader check, int index)
    {
        var errorsBefore = check.ErrorCount;
        var fall = check.Integer("fall", 1, int.MaxValue) ?? HealthCheckConfig.DefaultFall;
        var rise = check.Integer("rise", 1, int.MaxValue) ?? HealthCheckConfig.DefaultRise;
        var fallAction = ReadEnum(check, "fall_action", FallAction.Draining, "`Draining`, `Disabled` or `Up`");
        var writtenInterval = check.Seconds("interval", DurationBounds.Interval);
        var interval = writtenInterval ?? HealthCheckConfig.DefaultInterval;
        var timeout = check.Seconds("timeout", DurationBounds.Timeout);

        // Compared only with an interval that is valid: against the default it would add a misleading second error.
        var intervalValid = writtenInterval is not null || !check.Raw.ContainsKey("interval");
        if (intervalValid && timeout > interval)
        {
            check.ErrorAtValue("timeout", $"must not be longer than interval ({interval.TotalSeconds} s), got {timeout.Value.TotalSeconds}");
        }

        var port = check.Integer("port", 1, 65535);
        var sendProxyChecks = check.Boolean("send_proxy_checks") ?? false;
        var http = ReadHttp(check);
        check.ReportUnknownKeys();

        return check.ErrorCount > errorsBefore
            ? null
            : new HealthCheckConfig(index, fall, fallAction, rise, interval, timeout ?? interval / 2, http, port) { SendProxyChecks = sendProxyChecks };
    }

    private static HttpCheckConfig? ReadHttp(TomlTableReader check)
    {
        var target = check.String("http_target");
        var method = ReadEnum(check, "http_method", HttpCheckMethod.Get, "`GET` or `POST`");
        var body = check.String("http_body");
        var status = check.Integer("http_status", 100, 599);
        var headers = ReadHeaders(check);

        if (target is not null && !target.StartsWith('/'))
        {
            check.ErrorAtValue("http_target", $"must be a path starting with '/', got '{target}'");
        }

        var isHttp = check.Raw.Keys.Any(k => k.StartsWith("http_", StringComparison.Ordinal));
        return isHttp
            ? new HttpCheckConfig(target ?? HttpCheckConfig.DefaultTarget, headers, method, body, status ?? HttpCheckConfig.DefaultStatus)
            : null;
    }

    private static ImmutableArray<KeyValuePair<string, string>> ReadHeaders(TomlTableReader check)
    {
        if (check.Table("http_headers") is not { } table)
        {
            return [];
        }

        var headers = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var name in table.Keys.ToList())
        {
            var value = table.String(name);
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                // Otherwise the HTTP client drops it without a word, and the probe would not send what is written.
                table.ErrorAtKey(name, "is not a valid HTTP header name");
            }
            else if (value is not null && value.Any(c => c is '\r' or '\n'))
            {
                table.ErrorAtValue(name, "a header value cannot span lines");
            }
            else if (value is not null)
            {
                headers.Add(new(name, value));
            }
        }

        return headers.ToImmutable();
    }

    /// <summary>The characters of an HTTP token (RFC 9110 section 5.6.2), which is what a header name is.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static T ReadEnum<T>(TomlTableReader table, string key, T fallback, string allowed)
        where T : struct, Enum
    {
        if (table.String(key) is not { } text)
        {
            return fallback;
        }

        // Names only: Enum.TryParse would also take numbers and comma lists, which are not documented values.
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        table.ErrorAtValue(key, $"must be one of {allowed}, got '{text}'");
        return fallback;
    }
}
