using System.Globalization;
using System.Runtime.InteropServices;

namespace Tcpffee.Lifecycle;

/// <summary>The PID file that lets operators and the <c>reload</c> verb find the running proxy.</summary>
internal static partial class PidFile
{
    private const int SigUsr1 = 10;
    private const int EsrchNoSuchProcess = 3;

    /// <summary>Writes this process's id; returns the error message instead of throwing, since a PID file is a convenience.</summary>
    public static string? TryWrite(string path)
    {
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>Removes the file if it still names this process (a newer instance may have replaced it).</summary>
    public static void TryRemove(string path)
    {
        try
        {
            if (TryRead(path) == Environment.ProcessId)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to do: a leftover file is detected as stale by the next reader.
        }
    }

    public static int? TryRead(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static SignalResult SignalReload(string path, out int pid)
    {
        pid = 0;
        if (!File.Exists(path))
        {
            return SignalResult.NoPidFile;
        }

        if (TryRead(path) is not { } read)
        {
            return SignalResult.BadPidFile;
        }

        pid = read;
        if (Kill(pid, SigUsr1) == 0)
        {
            return SignalResult.Sent;
        }

        return Marshal.GetLastPInvokeError() == EsrchNoSuchProcess ? SignalResult.NoSuchProcess : SignalResult.NotPermitted;
    }

    // .NET can raise SIGUSR1 in its own process only; signalling another process needs kill(2).
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
