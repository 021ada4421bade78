using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Tcpffee.Configuration;

/// <summary>
/// env_logger-style log directives (<c>info</c>, <c>warn,Tcpffee.Health=debug</c>): an optional default level
/// and per-category levels, where a category is a prefix of the logger name.
/// </summary>
internal sealed record LogDirectives(LogLevel? Default, ImmutableArray<KeyValuePair<string, LogLevel>> Categories)
{
    public static readonly LogDirectives Empty = new(null, []);

    public static bool TryParse(string text, out LogDirectives directives, [NotNullWhen(false)] out string? error)
    {
        directives = Empty;
        error = null;
        LogLevel? fallback = null;
        var categories = ImmutableArray.CreateBuilder<KeyValuePair<string, LogLevel>>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (TryLevel(part, out var level))
                {
                    fallback = level;
                }
                else
                {
                    // As in env_logger, a bare name enables everything for that category.
                    categories.Add(new(part.Replace("::", ".", StringComparison.Ordinal), LogLevel.Trace));
                }

                continue;
            }

            // env_logger names modules with '::'; logger categories use '.', and match by prefix, ignoring case.
            var category = part[..equals].Trim().Replace("::", ".", StringComparison.Ordinal);
            var levelText = part[(equals + 1)..].Trim();
            if (category.Length == 0 || !TryLevel(levelText, out var categoryLevel))
            {
                error = $"'{part}' is not a directive; use LEVEL or CATEGORY=LEVEL with LEVEL one of off, error, warn, info, debug, trace";
                return false;
            }

            categories.Add(new(category, categoryLevel));
        }

        directives = new LogDirectives(fallback, categories.ToImmutable());
        return true;
    }

    private static bool TryLevel(string text, out LogLevel level)
    {
        switch (text.ToLowerInvariant())
        {
            case "off": level = LogLevel.None; return true;
            case "error": level = LogLevel.Error; return true;
            case "warn" or "warning": level = LogLevel.Warning; return true;
            case "info": level = LogLevel.Information; return true;
            case "debug": level = LogLevel.Debug; return true;
            case "trace": level = LogLevel.Trace; return true;
            default: level = default; return false;
        }
    }

    /// <summary>The directives as <c>Logging:LogLevel:*</c> configuration keys, so standard variables can still override them.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration()
    {
        if (Default is { } level)
        {
            yield return new("Logging:LogLevel:Default", level.ToString());
        }

        foreach (var (category, categoryLevel) in Categories)
        {
            yield return new($"Logging:LogLevel:{category}", categoryLevel.ToString());
        }
    }

    public bool Equals(LogDirectives? other) => other is not null && Default == other.Default && Categories.SequenceEqual(other.Categories);

    public override int GetHashCode() => HashCode.Combine(Default, Categories.Length);
}
