namespace Tcpffee.Tests.Common;

/// <summary>Which output of a child process to look at.</summary>
internal enum ProcessOutput
{
    StandardOutput,
    StandardError,
}
