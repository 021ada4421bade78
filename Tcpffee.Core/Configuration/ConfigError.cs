using System.Text;

namespace Tcpffee.Configuration;

/// <summary>One configuration mistake, printed as <c>PATH:LINE:COLUMN: message</c> (or <c>SOURCE: message</c> without a position).</summary>
internal sealed record ConfigError(string Source, int Line, int Column, string Message)
{
    /// <summary>The message with control characters escaped: it echoes keys and values from the file, and a terminal or a log must show them, not obey them.</summary>
    public string Message { get; init; } = Escape(Message);

    /// <summary>An error that has no position in a file, such as one in an environment variable.</summary>
    public static ConfigError Unplaced(string source, string message) => new(source, 0, 0, message);

    public override string ToString() =>
        Line > 0 ? $"{Source}:{Line}:{Column}: {Message}" : $"{Source}: {Message}";

    /// <summary>Writes C0 and C1 controls, DEL, line and paragraph separators and bidirectional overrides as <c>\u0001</c>.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                escaped.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
