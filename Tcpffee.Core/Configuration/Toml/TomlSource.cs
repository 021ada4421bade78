using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Serialization;
using Tomlyn.Syntax;

namespace Tcpffee.Configuration.Toml;

/// <summary>A parsed TOML file: the untyped tables plus a map from every key to where it and its value stand in the text.</summary>
internal sealed class TomlSource
{
    private readonly TomlMetadataStore _metadata;
    private readonly Dictionary<(int Line, int Column), ValueSyntax> _valuesByKeyPosition;
    private readonly DocumentSyntax _document;

    private TomlSource(string path, TomlTable root, TomlMetadataStore metadata, Dictionary<(int, int), ValueSyntax> values, DocumentSyntax document)
    {
        _document = document;
        Path = path;
        Root = root;
        _metadata = metadata;
        _valuesByKeyPosition = values;
    }

    public string Path { get; }

    public TomlTable Root { get; }

    /// <summary>Parses <paramref name="text"/>; on syntax errors returns null and adds every one of them to <paramref name="errors"/>.</summary>
    public static TomlSource? Parse(string text, string path, List<ConfigError> errors)
    {
        // Deep input never reaches the parsers, which recurse once per level.
        var before = errors.Count;
        TomlNesting.Check(text, path, errors);
        if (errors.Count > before)
        {
            return null;
        }

        // The syntax parser runs first because the serializer silently merges a table defined twice.
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, path, validate: true);
        }
        catch (TomlException ex)
        {
            // Tomlyn throws, rather than reports, when it hits its own limits (such as its depth limit).
            errors.Add(Error(path, ex));
            return null;
        }

        if (document.HasErrors)
        {
            foreach (var diagnostic in document.Diagnostics)
            {
                if (diagnostic.Kind == DiagnosticMessageKind.Error)
                {
                    errors.Add(new ConfigError(path, diagnostic.Span.Start.Line + 1, diagnostic.Span.Start.Column + 1, diagnostic.Message.Trim()));
                }
            }

            return null;
        }

        var metadata = new TomlMetadataStore();
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = path, MetadataStore = metadata })
                ?? new TomlTable();
        }
        catch (TomlException ex)
        {
            errors.Add(Error(path, ex));
            return null;
        }

        var values = new Dictionary<(int, int), ValueSyntax>();
        IndexValues(document.KeyValues, values);
        foreach (var table in document.Tables)
        {
            IndexValues(table.Items, values);
        }

        return new TomlSource(path, root, metadata, values, document);
    }

    /// <summary>Where <paramref name="key"/> of <paramref name="table"/> is written, 1-based; the start of the file if unknown.</summary>
    public (int Line, int Column) KeyPosition(TomlTable table, string key)
    {
        if (_metadata.TryGetProperties(table, out var properties)
            && properties!.TryGetProperty(key, out var property)
            && property!.Span is { } span)
        {
            return (span.Start.Line + 1, span.Start.Column + 1);
        }

        return (1, 1);
    }

    /// <summary>Where the value of <paramref name="key"/> starts (or element <paramref name="index"/> of it, for an array).</summary>
    public (int Line, int Column) ValuePosition(TomlTable table, string key, int? index = null)
    {
        var keyPosition = KeyPosition(table, key);
        if (!_valuesByKeyPosition.TryGetValue((keyPosition.Line - 1, keyPosition.Column - 1), out var value))
        {
            return keyPosition;
        }

        if (index is { } i && value is ArraySyntax array && i < array.Items.ChildrenCount && array.Items.GetChild(i)?.Value is { } item)
        {
            value = item;
        }

        return (value.Span.Start.Line + 1, value.Span.Start.Column + 1);
    }

    /// <summary>Where the <paramref name="index"/>-th <c>[[name]]</c> header for <paramref name="dottedName"/> is written.</summary>
    public (int Line, int Column)? TableArrayHeaderPosition(string dottedName, int index)
    {
        var seen = 0;
        foreach (var table in _document.Tables)
        {
            if (table is TableArraySyntax { Name: { } name } && KeyText(name) == dottedName && seen++ == index)
            {
                return (name.Span.Start.Line + 1, name.Span.Start.Column + 1);
            }
        }

        return null;
    }

    private static ConfigError Error(string path, TomlException ex)
    {
        // The message starts with "path(line,column) : error : " when Tomlyn knows the position; the error prints its own.
        var message = ex.Message.Trim();
        var marker = message.IndexOf(" : error : ", StringComparison.Ordinal);
        if (marker >= 0 && message.StartsWith(path + "(", StringComparison.Ordinal))
        {
            message = message[(marker + " : error : ".Length)..];
        }

        return new ConfigError(path, ex.Line ?? 1, ex.Column ?? 1, message);
    }

    private static string KeyText(KeySyntax key)
    {
        var parts = new List<string> { key.Key?.ToString()?.Trim() ?? "" };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(dotted.Key?.ToString()?.Trim() ?? "");
        }

        return string.Join('.', parts);
    }

    private static void IndexValues(SyntaxList<KeyValueSyntax> keyValues, Dictionary<(int, int), ValueSyntax> values)
    {
        foreach (var keyValue in keyValues)
        {
            IndexValue(keyValue, values);
        }
    }

    private static void IndexValue(KeyValueSyntax keyValue, Dictionary<(int, int), ValueSyntax> values)
    {
        if (keyValue.Key is null || keyValue.Value is null)
        {
            return;
        }

        // Every segment of a dotted key points at the value: the metadata may name any of them.
        if (keyValue.Key.Key is { } first)
        {
            values[(first.Span.Start.Line, first.Span.Start.Column)] = keyValue.Value;
        }

        foreach (var dotted in keyValue.Key.DotKeys)
        {
            if (dotted.Key is { } segment)
            {
                values[(segment.Span.Start.Line, segment.Span.Start.Column)] = keyValue.Value;
            }
        }

        if (keyValue.Value is InlineTableSyntax inline)
        {
            foreach (var item in inline.Items)
            {
                if (item.KeyValue is { } nested)
                {
                    IndexValue(nested, values);
                }
            }
        }
    }
}
