using Tcpffee.Lifecycle;

namespace Tcpffee.Cli;

/// <summary><c>reload</c>: check the configuration here first, then signal the running proxy to load it.</summary>
internal static class ReloadCommand
{
    public static int Run(string? configOption, TextWriter output, TextWriter error)
    {
        // A file the proxy would reject is reported here and not sent: the operator sees the mistakes at once.
        if (StartupSettings.Load(configOption, error) is not { } settings)
        {
            error.WriteLine("reload not sent: the running proxy keeps its current configuration");
            return 1;
        }

        var pidPath = settings.Environment.PidPath;
        var result = PidFile.SignalReload(pidPath, out var pid);
        switch (result)
        {
            case SignalResult.Sent:
                // The signal carries no path: the proxy reloads the file it was started with, whatever --config says here.
                output.WriteLine($"checked {settings.Environment.ConfigPath}; sent SIGUSR1 to tcpffee (PID {pid} from {pidPath}); it reloads the file it was started with and logs the outcome");
                return 0;
            case SignalResult.NoPidFile:
                error.WriteLine($"{pidPath}: no PID file; is tcpffee running? (set TCPFFEE_PID_PATH if it writes elsewhere)");
                return 1;
            case SignalResult.BadPidFile:
                error.WriteLine($"{pidPath}: does not hold a process id");
                return 1;
            case SignalResult.NoSuchProcess:
                error.WriteLine($"{pidPath}: PID {pid} is not running (stale PID file)");
                return 1;
            default:
                error.WriteLine($"PID {pid}: not allowed to signal it (run as the same user as tcpffee, or as root)");
                return 1;
        }
    }
}
