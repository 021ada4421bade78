namespace Tcpffee.Configuration;

/// <summary>One configuration mistake, printed as <c>PATH:LINE:COLUMN: message</c> (or <c>SOURCE: message</c> without a position).</summary>
internal sealed record ConfigError(string Source, int Line, int Column, string Message)
{
    /// <summary>An error that has no position in a file, such as one in an environment variable.</summary>
    public static ConfigError Unplaced(string source, string message) => new(source, 0, 0, message);

    public override string ToString() =>
        Line > 0 ? $"{Source}:{Line}:{Column}: {Message}" : $"{Source}: {Message}";
}
