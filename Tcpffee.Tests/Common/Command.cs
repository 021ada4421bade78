using System.Diagnostics;

namespace Tcpffee.Tests.Common;

/// <summary>Short commands (<c>ip</c>, <c>nft</c>, <c>sh</c>…) run to completion with both outputs captured.</summary>
internal static class Command
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Whether <paramref name="name"/> is an executable file in one of the <c>PATH</c> directories.</summary>
    public static bool IsInstalled(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, name))
            .Any(IsExecutable);

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows()
        && File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>
    /// Runs <paramref name="file"/> and returns its exit code and outputs; <paramref name="input"/> goes to its standard input,
    /// which is then closed, unless <paramref name="keepInputOpen"/> (a client that must not half-close before the answer).
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string file, IEnumerable<string> arguments, string? input = null, bool keepInputOpen = false)
    {
        var startInfo = ChildProcessStart.Redirected(file, arguments);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {file}");
        using var cancellation = new CancellationTokenSource(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            await process.StandardInput.FlushAsync(cancellation.Token);
        }

        if (!keepInputOpen)
        {
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return (process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(file, startInfo.ArgumentList)} did not finish within {Timeout.TotalSeconds} s");
        }
    }

    /// <summary>Runs the command and throws, with its outputs, unless it exits 0; returns its standard output.</summary>
    public static async Task<string> CheckAsync(string file, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(file, arguments);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{Describe(file, arguments)} exited {exitCode}:{Environment.NewLine}{output}{error}");
    }

    public static string Describe(string file, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { file }.Concat(arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)));
}
