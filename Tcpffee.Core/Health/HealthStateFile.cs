using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tcpffee.Health;

/// <summary>
/// Saves and restores the state of every health check, so that a restarted proxy treats a group that was down as down
/// at once. Written atomically (temporary file, flush, rename); a missing or damaged file is reported, never thrown.
/// </summary>
internal static class HealthStateFile
{
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Save(string path, IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> checks)
    {
        var records = checks
            .OrderBy(c => c.Key.GroupId).ThenBy(c => c.Key.Index)
            .Select(c => new HealthStateRecord(
                c.Key.GroupId, c.Key.ToString(), c.Value.Up, c.Value.ConsecutivePasses, c.Value.ConsecutiveFails,
                c.Value.LastResult?.Passed, c.Value.LastResult?.Message, c.Value.LastResult?.At, c.Value.LastChange))
            .ToList();

        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, new Document(FormatVersion, records), Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the saved states; on failure returns an empty map and the reason in <paramref name="error"/>.</summary>
    public static IReadOnlyDictionary<HealthCheckIdentity, HealthCheckStatus> Load(string path, out string? error)
    {
        error = null;
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
        [property: JsonPropertyName("checks")] List<HealthStateRecord>? Checks);
}
