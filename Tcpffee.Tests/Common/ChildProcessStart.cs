using System.Diagnostics;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>How the tests start a child process: every stream redirected as UTF-8, and an environment free of the test's own tcpffee settings.</summary>
internal static class ChildProcessStart
{
    /// <summary>A start of <paramref name="file"/> with <paramref name="arguments"/>, standard input, output and error redirected.</summary>
    public static ProcessStartInfo Redirected(string file, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>
    /// Removes every <c>TCPFFEE_*</c> and <c>RUST_LOG</c> variable the test process has (a developer's shell must not
    /// change what a test sees), then adds <paramref name="environment"/>; a null value removes a variable.
    /// </summary>
    public static ProcessStartInfo WithCleanEnvironment(this ProcessStartInfo startInfo, IEnumerable<KeyValuePair<string, string?>>? environment)
    {
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("TCPFFEE_", StringComparison.Ordinal) || name == "RUST_LOG")
            {
                startInfo.Environment.Remove(name);
            }
        }

        foreach (var (name, value) in environment ?? [])
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }
}
