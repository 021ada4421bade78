using System.Globalization;
using System.Runtime.Versioning;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Transparent.Support;

/// <summary>The built server (<c>dotnet Tcpffee.Server.dll</c>) run inside a lab's proxy namespace, as root or as nobody.</summary>
[SupportedOSPlatform("linux")]
internal static class TransparentServer
{
    /// <summary>The unprivileged user and group (nobody, nogroup).</summary>
    public const int Nobody = 65534;

    private const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode Traversable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes <paramref name="config"/> into <paramref name="directory"/> and starts the server in the proxy namespace with its
    /// state files there; waits for its "started" line. With <paramref name="unprivileged"/>, the server runs as nobody with
    /// no capabilities at all (<c>setpriv</c>), from a copy of the build output that nobody can read, in a directory it can write.
    /// </summary>
    public static async Task<NetnsProcess> StartAsync(NetnsLab lab, TempDirectory directory, string config, bool unprivileged)
    {
        var configPath = directory.WriteFile("tcpffee.toml", config);
        var environment = new Dictionary<string, string>
        {
            ["TCPFFEE_PID_PATH"] = directory.Combine("tcpffee.pid"),
            ["TCPFFEE_HEALTHCHECK_SAVE_PATH"] = directory.Combine("healthcheck_state"),
            ["TCPFFEE_STICK_TABLE_SAVE_PATH"] = directory.Combine("stick_table"),
            ["TCPFFEE_DATA_DIR"] = directory.Combine("data"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };

        var dll = ServerProcess.ServerDllPath;
        List<string> command = [];
        if (unprivileged)
        {
            // The build output may sit under a directory nobody cannot enter; the runtime itself must be readable (it is a system install).
            dll = Path.Combine(CopyBuildOutput(directory), Path.GetFileName(ServerProcess.ServerDllPath));
            File.SetUnixFileMode(directory.Path, Everyone);
            File.SetUnixFileMode(configPath, Readable);
            environment["HOME"] = directory.Path;
            environment["TMPDIR"] = directory.Path;
            var id = Nobody.ToString(CultureInfo.InvariantCulture);
            command.AddRange(["setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]);
        }

        command.AddRange([ServerProcess.DotnetPath, dll, "--config", configPath]);
        var server = lab.Start(lab.ProxyNs, command, environment);
        await server.WaitForLineAsync(l => l.Contains(" started (PID", StringComparison.Ordinal), "the server's started line", timeout: TimeSpan.FromSeconds(30));
        return server;
    }

    private static string CopyBuildOutput(TempDirectory directory)
    {
        var source = AppContext.BaseDirectory;
        var target = directory.Combine("app");
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, Traversable);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var copy = Path.Combine(target, relative);
            var parent = Path.GetDirectoryName(copy)!;
            if (!Directory.Exists(parent))
            {
                Directory.CreateDirectory(parent);
                File.SetUnixFileMode(parent, Traversable);
            }

            File.Copy(file, copy);
            File.SetUnixFileMode(copy, Readable);
        }

        return target;
    }
}
