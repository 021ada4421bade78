namespace Tcpffee.Tests.Common;

/// <summary>Starting the built server on free ports.</summary>
public static class ServerRun
{
    /// <summary>
    /// Starts the server with the arguments <paramref name="arguments"/> builds from free ports (<paramref name="portCount"/> of them)
    /// and waits for its "started" line; if it could not bind (another process took a port in between), tries new ports.
    /// </summary>
    public static async Task<(ServerProcess Server, int[] Ports)> StartAsync(
        int portCount, Func<int[], IEnumerable<string>> arguments, IReadOnlyDictionary<string, string?> environment, Func<string, bool> startedLine)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(portCount);
            var server = ServerProcess.Start(arguments(ports), environment);
            try
            {
                await server.WaitForLineAsync(ProcessOutput.StandardOutput, startedLine);
                return (server, ports);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Standard output ended without the line: the server exited, most likely unable to bind.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The proxy's "started" log line.</summary>
    public static bool IsStartedLine(string line) =>
        line.Contains("tcpffee ", StringComparison.Ordinal) && line.Contains(" started (PID", StringComparison.Ordinal);
}
