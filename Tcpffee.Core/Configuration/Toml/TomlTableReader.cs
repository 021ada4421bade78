using Tomlyn.Model;

namespace Tcpffee.Configuration.Toml;

/// <summary>
/// Typed, position-aware access to one TOML table. Every mistake is recorded rather than thrown, so a whole file
/// is checked in one pass; keys that were never asked for are reported as unknown at the end.
/// </summary>
internal sealed class TomlTableReader
{
    private readonly TomlSource _source;
    private readonly List<ConfigError> _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly (int Line, int Column) _header;

    public TomlTableReader(TomlSource source, TomlTable table, string path, List<ConfigError> errors, (int Line, int Column) header)
    {
        _source = source;
        Raw = table;
        Path = path;
        _errors = errors;
        _header = header;
    }

    public TomlTable Raw { get; }

    /// <summary>The dotted path of this table, e.g. <c>groups.1.healthchecks[0]</c>; empty for the root.</summary>
    public string Path { get; }

    public IEnumerable<string> Keys => Raw.Keys;

    /// <summary>How many mistakes the whole file has so far; lets a reader tell whether its own part was clean.</summary>
    public int ErrorCount => _errors.Count;

    public bool Has(string key)
    {
        _known.Add(key);
        return Raw.ContainsKey(key);
    }

    public string Describe(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void ErrorAtKey(string key, string message) => Add(_source.KeyPosition(Raw, key), $"{Describe(key)}: {message}");

    public void ErrorAtValue(string key, string message, int? index = null) =>
        Add(_source.ValuePosition(Raw, key, index), $"{Describe(key)}{(index is { } i ? $"[{i}]" : "")}: {message}");

    /// <summary>Reports a mistake about this table as a whole (a required key it lacks, say) at its own header.</summary>
    public void ErrorAtHeader(string key, string message) => Add(_header, $"{Describe(key)}: {message}");

    /// <summary>Reports a mistake about this table's content as a whole (it is empty, say) at its own header.</summary>
    public void ErrorAtTable(string message) => Add(_header, $"{Path}: {message}");

    public string? String(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is string s)
        {
            return s;
        }

        WrongType(key, "a string");
        return null;
    }

    public bool? Boolean(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is bool b)
        {
            return b;
        }

        WrongType(key, "a boolean");
        return null;
    }

    /// <summary>An integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Integer(string key, int min, int max)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is not long value)
        {
            WrongType(key, "an integer");
            return null;
        }

        if (value < min || value > max)
        {
            // Worded after the bound that was crossed: "at least 1" is wrong for a value too large.
            ErrorAtValue(key, max == int.MaxValue ? (value < min ? $"must be at least {min}, got {value}" : $"must be at most {max}, got {value}")
                : $"must be between {min} and {max}, got {value}");
            return null;
        }

        return (int)value;
    }

    /// <summary>A duration in seconds, written as an integer or a float, within <paramref name="bounds"/>.</summary>
    public TimeSpan? Seconds(string key, DurationBounds bounds)
    {
        if (!Has(key))
        {
            return null;
        }

        double seconds;
        switch (Raw[key])
        {
            case long l:
                seconds = l;
                break;
            case double d:
                seconds = d;
                break;
            default:
                WrongType(key, "a number of seconds");
                return null;
        }

        if (bounds.Check(seconds) is { } problem)
        {
            ErrorAtValue(key, problem);
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public TomlTableReader? Table(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is TomlTable table)
        {
            return new TomlTableReader(_source, table, Describe(key), _errors, _source.KeyPosition(Raw, key));
        }

        WrongType(key, "a table");
        return null;
    }

    public IReadOnlyList<TomlTableReader>? TableArray(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is TomlTableArray array)
        {
            var path = Describe(key);
            return array.Select((t, i) => new TomlTableReader(
                _source, t, $"{path}[{i}]", _errors, _source.TableArrayHeaderPosition(path, i) ?? _source.KeyPosition(Raw, key))).ToList();
        }

        // "healthchecks = [ { interval = 2 }, ... ]" says the same as [[healthchecks]] headers, and an empty array, none.
        if (Raw[key] is TomlArray inline && inline.All(e => e is TomlTable))
        {
            var path = Describe(key);
            var at = _source.KeyPosition(Raw, key);
            return inline.Select((t, i) => new TomlTableReader(_source, (TomlTable)t!, $"{path}[{i}]", _errors, at)).ToList();
        }

        WrongType(key, "an array of tables");
        return null;
    }

    /// <summary>The elements of an array; the caller checks their types with <see cref="ErrorAtValue"/> and the index.</summary>
    public IReadOnlyList<object?>? Array(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (Raw[key] is TomlArray array)
        {
            return array.ToList();
        }

        WrongType(key, "an array");
        return null;
    }

    /// <summary>Reports every key of this table that no reader asked for: TOML readers ignore typos silently, we do not.</summary>
    public void ReportUnknownKeys()
    {
        foreach (var key in Raw.Keys)
        {
            if (!_known.Contains(key))
            {
                var suggestion = _known.MinBy(known => EditDistance(known, key));
                ErrorAtKey(key, suggestion is not null && EditDistance(suggestion, key) <= 2
                    ? $"unknown key (did you mean `{suggestion}`?)"
                    : "unknown key");
            }
        }
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private void WrongType(string key, string expected) =>
        ErrorAtValue(key, $"expected {expected}, got {TypeName(Raw[key])}");

    private static string TypeName(object? value) => value switch
    {
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        TomlArray => "an array",
        null => "nothing",
        _ => "a date or time",
    };

    private void Add((int Line, int Column) position, string message) =>
        _errors.Add(new ConfigError(_source.Path, position.Line, position.Column, message));
}
