namespace Tcpffee.Configuration.Toml;

/// <summary>
/// Bounds how deep arrays and inline tables nest, by a scan of the raw text before any TOML parser sees it.
/// Tomlyn's parser recurses once per level; its own limit is an option that could change, and a stack overflow
/// cannot be caught in .NET: it ends the process, so deep input is refused here first.
/// </summary>
internal static class TomlNesting
{
    /// <summary>
    /// The deepest a value may nest. A tcpffee file needs at most about 4 levels (<c>groups.N.healthchecks[i].http_headers</c>);
    /// 32 is far above that and well below Tomlyn's own limit of 64, which also counts the tables and dotted keys
    /// around a value.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>Adds an error at the bracket that first goes past <see cref="MaxDepth"/>, once for each value that does.</summary>
    public static void Check(string text, string path, List<ConfigError> errors)
    {
        var depth = 0;
        var reported = false;
        var line = 1;
        var lineStart = 0;

        // A '[' that starts a statement outside any value is a table header, not an array.
        var statementStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    lineStart = i + 1;
                    statementStart = depth == 0;
                    break;
                case ' ' or '\t' or '\r':
                    break;
                case '#':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"' or '\'':
                    i = SkipString(text, i, ref line, ref lineStart);
                    statementStart = false;
                    break;
                case '[' when depth == 0 && statementStart:
                    if (i + 1 < text.Length && text[i + 1] == '[')
                    {
                        i++;
                    }

                    statementStart = false;
                    break;
                case '[' or '{':
                    depth++;
                    if (depth > MaxDepth && !reported)
                    {
                        reported = true;
                        errors.Add(new ConfigError(path, line, i - lineStart + 1, $"arrays and inline tables nest deeper than {MaxDepth} levels"));
                    }

                    statementStart = false;
                    break;
                case ']' or '}':
                    if (depth > 0 && --depth == 0)
                    {
                        reported = false;
                    }

                    statementStart = false;
                    break;
                default:
                    statementStart = false;
                    break;
            }
        }
    }

    /// <summary>Returns the index of the last character of the string that opens at <paramref name="start"/>.</summary>
    private static int SkipString(string text, int start, ref int line, ref int lineStart)
    {
        var quote = text[start];
        var escapes = quote == '"';
        var multiline = start + 2 < text.Length && text[start + 1] == quote && text[start + 2] == quote;
        var i = start + (multiline ? 3 : 1);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && escapes && i + 1 < text.Length && text[i + 1] != '\n')
            {
                i++;
            }
            else if (c == '\n')
            {
                if (!multiline)
                {
                    // An unterminated string; the parser reports it.
                    return i - 1;
                }

                line++;
                lineStart = i + 1;
            }
            else if (c == quote && !multiline)
            {
                return i;
            }
            else if (c == quote && i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote)
            {
                // Up to two more quotes just before the closing three belong to the string.
                i += 2;
                for (var extra = 0; extra < 2 && i + 1 < text.Length && text[i + 1] == quote; extra++)
                {
                    i++;
                }

                return i;
            }
        }

        return text.Length - 1;
    }
}
