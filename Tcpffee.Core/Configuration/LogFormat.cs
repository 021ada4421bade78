namespace Tcpffee.Configuration;

/// <summary>How log lines are written to standard output (<c>TCPFFEE_LOG_FORMAT</c>).</summary>
internal enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line, with the message's structured fields, for log shippers.</summary>
    Json,
}
