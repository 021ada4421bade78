using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tcpffee.Model;
using Tcpffee.Storage;

namespace Tcpffee.Health;

/// <summary>
/// Saves and restores the state of every health check, so that a restarted proxy treats a group that was down as down
/// at once. Written atomically (temporary file, flush, rename); a missing or damaged file is reported, never thrown.
/// </summary>
internal static class HealthStateFile
{
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Save(
        string path, IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> checks, IReadOnlyDictionary<int, GroupStatus>? overrides = null)
    {
        var records = checks
            .OrderBy(c => c.Key.GroupId).ThenBy(c => c.Key.Index)
            .Select(c => new HealthStateRecord(
                c.Key.GroupId, c.Key.ToString(), c.Value.Up, c.Value.ConsecutivePasses, c.Value.ConsecutiveFails,
                c.Value.LastResult?.Passed, c.Value.LastResult?.Message, c.Value.LastResult?.At, c.Value.LastChange))
            .ToList();

        var saved = overrides?.ToDictionary(o => o.Key.ToString(CultureInfo.InvariantCulture), o => o.Value.ToString());
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, new Document(FormatVersion, records, saved), Json));
    }

    /// <summary>Reads the saved states; on failure returns an empty map and the reason in <paramref name="error"/>.</summary>
    public static IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> Load(string path, out string? error) => Load(path, out error, out _);

    /// <summary>Reads the saved check states and the operators' group overrides; on failure both are empty and <paramref name="error"/> says why.</summary>
    public static IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> Load(string path, out string? error, out IReadOnlyDictionary<int, GroupStatus> overrides)
    {
        error = null;
        overrides = new Dictionary<int, GroupStatus>();
        var result = new Dictionary<HealthCheckIdentity, HealthCheckStatus>();
        if (!File.Exists(path))
        {
            return result;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<Document>(stream, Json);
            if (document is null || document.Version != FormatVersion)
            {
                error = $"unknown format (version {document?.Version})";
                return result;
            }

            var savedOverrides = new Dictionary<int, GroupStatus>();
            foreach (var (group, status) in document.Overrides ?? [])
            {
                if (!int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !Enum.TryParse<GroupStatus>(status, out var parsed))
                {
                    error = $"bad override '{group}': '{status}'";
                    return new Dictionary<HealthCheckIdentity, HealthCheckStatus>();
                }

                savedOverrides[id] = parsed;
            }

            foreach (var record in document.Checks ?? [])
            {
                if (!HealthCheckIdentity.TryParse(record.Check, out var identity) || identity.GroupId != record.Group)
                {
                    error = $"bad check identity '{record.Check}'";
                    return new Dictionary<HealthCheckIdentity, HealthCheckStatus>();
                }

                var last = record.LastPassed is { } passed && record.LastAt is { } at ? new ProbeResult(passed, record.LastMessage ?? "", at) : null;
                result[identity] = new HealthCheckStatus(record.Up, Math.Max(0, record.Passes), Math.Max(0, record.Fails), last, record.LastChange);
            }

            overrides = savedOverrides;
            return result;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error = ex.Message;
            return new Dictionary<HealthCheckIdentity, HealthCheckStatus>();
        }
    }

    private sealed record Document(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("checks")] List<HealthStateRecord>? Checks,
        [property: JsonPropertyName("overrides")] Dictionary<string, string>? Overrides = null);
}
