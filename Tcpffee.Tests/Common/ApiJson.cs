using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tcpffee.Tests.Common;

/// <summary>Requests to the stats endpoint and assertions on the JSON that comes back.</summary>
internal static class ApiJson
{
    /// <summary>GETs <paramref name="path"/>, asserts 200 with <c>application/json</c>, returns the body.</summary>
    public static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadOkAsync(response, $"GET {path}");
    }

    /// <summary>POSTs to <paramref name="path"/> without a body, asserts 200 with <c>application/json</c>, returns the body.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient http, string path)
    {
        using var response = await http.PostAsync(path, content: null);
        return await ReadOkAsync(response, $"POST {path}");
    }

    /// <summary>Asserts 200 with <c>application/json</c> and returns the parsed body.</summary>
    public static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parse(body);
    }

    /// <summary>Asserts <paramref name="status"/> with a problem-details body (RFC 9457) and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: expected application/problem+json, got '{response.Content.Headers.ContentType}' with body '{body}'");
        var problem = Parse(body);
        Assert.Equal((int)status, Property(problem, "status", JsonValueKind.Number).GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(Property(problem, "detail", JsonValueKind.String).GetString()), $"{what}: empty detail in {body}");
        Property(problem, "title", JsonValueKind.String);
        return problem;
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts <paramref name="element"/> is an object with <paramref name="name"/> of kind <paramref name="kind"/>, and returns it.</summary>
    public static JsonElement Property(JsonElement element, string name, JsonValueKind kind)
    {
        Assert.True(element.ValueKind == JsonValueKind.Object, $"expected an object with '{name}', got {element}");
        Assert.True(element.TryGetProperty(name, out var value), $"'{name}' is missing from {element}");
        Assert.True(value.ValueKind == kind || (kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False),
            $"'{name}' should be {(kind == JsonValueKind.True ? "a boolean" : kind)}, got {value.ValueKind} in {element}");
        return value;
    }

    /// <summary>Asserts <paramref name="name"/> is present and is either null or of kind <paramref name="kind"/>; returns null for null.</summary>
    public static JsonElement? Nullable(JsonElement element, string name, JsonValueKind kind)
    {
        Assert.True(element.TryGetProperty(name, out var value), $"'{name}' is missing from {element}");
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return Property(element, name, kind);
    }

    /// <summary>A boolean property (true or false).</summary>
    public static bool Boolean(JsonElement element, string name) => Property(element, name, JsonValueKind.True).GetBoolean();

    public static string String(JsonElement element, string name) => Property(element, name, JsonValueKind.String).GetString()!;

    public static long Number(JsonElement element, string name) => Property(element, name, JsonValueKind.Number).GetInt64();

    /// <summary>A string property holding an ISO 8601 timestamp with an offset.</summary>
    public static DateTimeOffset Timestamp(JsonElement element, string name) => ParseTimestamp(String(element, name), name);

    /// <summary>A timestamp property that may be null.</summary>
    public static DateTimeOffset? NullableTimestamp(JsonElement element, string name) =>
        Nullable(element, name, JsonValueKind.String) is { } value ? ParseTimestamp(value.GetString()!, name) : null;

    public static IReadOnlyList<JsonElement> Array(JsonElement element, string name) => [.. Property(element, name, JsonValueKind.Array).EnumerateArray()];

    /// <summary>The names of the object's properties, sorted.</summary>
    public static IReadOnlyList<string> Names(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private static DateTimeOffset ParseTimestamp(string text, string name)
    {
        Assert.True(
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value),
            $"'{name}' is not a timestamp: '{text}'");
        return value;
    }
}
