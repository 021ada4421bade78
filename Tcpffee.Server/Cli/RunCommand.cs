using Tcpffee.Hosting;

namespace Tcpffee.Cli;

/// <summary>No verb: run the proxy until SIGTERM or SIGINT. A configuration that does not load stops it with exit code 1.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string? configOption, CancellationToken cancellation)
    {
        if (StartupSettings.Load(configOption, Console.Error) is not { } settings)
        {
            return 1;
        }

        return await TcpffeeHost.RunAsync(settings, cancellation).ConfigureAwait(false);
    }
}
