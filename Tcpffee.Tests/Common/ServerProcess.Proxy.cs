namespace Tcpffee.Tests.Common;

/// <content>
/// The server run as a proxy on a configuration file of its own: started on free ports, its log followed from a mark,
/// and reloaded (SIGUSR1) with the outcome read from the log.
/// </content>
/// <remarks>
/// Free ports are found by binding port 0 and releasing it, so another process (tests run in parallel) can take one
/// before the proxy binds it. Only that case, "Address already in use" on a port just picked, is retried with new ports.
/// </remarks>
internal sealed partial class ServerProcess
{
    private const int Attempts = 5;
    private const string ReloadedMarker = "[5006] Reloaded ";
    private const string RefusedMarker = "[5003] Reload of ";
    private const string AddressInUse = "Address already in use";

    private ServerEnvironment? _ownedEnvironment;

    private string? _configPath;

    /// <summary>The environment of a server started by <see cref="StartWithConfigAsync"/>.</summary>
    public ServerEnvironment Environment => _ownedEnvironment ?? throw NotStartedWithConfig();

    /// <summary>The file a server started by <see cref="StartWithConfigAsync"/> was started with and reloads.</summary>
    public string ConfigPath => _configPath ?? throw NotStartedWithConfig();

    /// <summary>The free ports the configuration of <see cref="StartWithConfigAsync"/> was built with, in the order it was given them.</summary>
    public int[] Ports { get; private set; } = [];

    /// <summary>
    /// A proxy with one port to <paramref name="backend"/> (group 0) and a stats socket: <c>Ports[0]</c> and
    /// <c>Ports[1]</c>. <paramref name="extra"/> is appended to the file, for example a group's health checks.
    /// </summary>
    public static Task<ServerProcess> StartProxyToAsync(System.Net.IPEndPoint backend, string extra = "") =>
        StartWithConfigAsync(
            2,
            p => TestConfig.TomlHeader(statsPort: p[1]) + $"ports = [ {p[0]} ]\n[groups.0.portmap]\n{p[0]} = \"{backend}\"\n" + extra,
            "info");

    /// <summary>
    /// Picks <paramref name="portCount"/> free ports, writes <paramref name="config"/> of them to a file in an environment of
    /// its own, starts the proxy on it with <c>TCPFFEE_LOG=<paramref name="logLevel"/></c> and <paramref name="variables"/>, and returns once it logged that
    /// it started. Disposing the server deletes that environment. <paramref name="launcher"/> is as for <see cref="Start"/>.
    /// </summary>
    public static async Task<ServerProcess> StartWithConfigAsync(
        int portCount,
        Func<int[], string> config,
        string logLevel = "debug",
        IReadOnlyList<string>? launcher = null,
        IReadOnlyList<(string Name, string? Value)>? variables = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(portCount);
            var environment = new ServerEnvironment();
            var path = environment.Directory.WriteFile("tcpffee.toml", config(ports));
            ServerProcess server;
            try
            {
                server = Start(["--config", path], environment.Variables([("TCPFFEE_LOG", logLevel), .. variables ?? []]), launcher);
            }
            catch
            {
                environment.Dispose();
                throw;
            }

            server._ownedEnvironment = environment;
            server._configPath = path;
            server.Ports = ports;
            try
            {
                await server.WaitForLineAsync(ProcessOutput.StandardOutput, IsStartedLine).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < Attempts)
            {
                // The proxy exited. If another process took one of the ports between the pick and the bind, pick again.
                await server.WaitForExitAsync().ConfigureAwait(false);
                var raced = server.StandardError.Contains(AddressInUse, StringComparison.Ordinal);
                await server.DisposeAsync().ConfigureAwait(false);
                if (!raced)
                {
                    throw;
                }
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Starts the server with the arguments <paramref name="arguments"/> builds from free ports (<paramref name="portCount"/> of them)
    /// and waits for its "started" line; if it could not bind (another process took a port in between), tries new ports.
    /// </summary>
    public static async Task<(ServerProcess Server, int[] Ports)> StartOnFreePortsAsync(
        int portCount, Func<int[], IEnumerable<string>> arguments, IReadOnlyDictionary<string, string?> environment, Func<string, bool> startedLine)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(portCount);
            var server = Start(arguments(ports), environment);
            try
            {
                await server.WaitForLineAsync(ProcessOutput.StandardOutput, startedLine).ConfigureAwait(false);
                return (server, ports);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Standard output ended without the line: the server exited, most likely unable to bind.
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The proxy's "started" log line.</summary>
    public static bool IsStartedLine(string line) =>
        line.Contains("tcpffee ", StringComparison.Ordinal) && line.Contains(" started (PID", StringComparison.Ordinal);

    public static bool IsReloadApplied(string line) => line.Contains(ReloadedMarker, StringComparison.Ordinal);

    public static bool IsReloadRefused(string line) => line.Contains(RefusedMarker, StringComparison.Ordinal);

    public void WriteConfig(string config) => File.WriteAllText(ConfigPath, config);

    /// <summary>How many stdout lines the proxy wrote so far: a point to look for later lines from.</summary>
    public int Mark() => StandardOutput.Count(c => c == '\n');

    /// <summary>The stdout lines written after <paramref name="mark"/>, so far.</summary>
    public IReadOnlyList<string> LinesSince(int mark) =>
        [.. StandardOutput.Split('\n').SkipLast(1).Skip(mark)];

    /// <summary>The first stdout line after <paramref name="mark"/> that matches, already written or yet to come.</summary>
    public Task<string> WaitForLineAsync(int mark, Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        // The server process evaluates the predicate once per line, in order: first the lines it has, then each new one.
        var index = 0;
        return WaitForLineAsync(ProcessOutput.StandardOutput, line => index++ >= mark && predicate(line), timeout);
    }

    /// <summary>The first stdout line after <paramref name="mark"/> that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(int mark, string text, TimeSpan? timeout = null) =>
        WaitForLineAsync(mark, l => l.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>The <paramref name="count"/>-th stdout line after <paramref name="mark"/> that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForNthLineAsync(int mark, string text, int count, TimeSpan? timeout = null)
    {
        var seen = 0;
        return WaitForLineAsync(mark, l => l.Contains(text, StringComparison.Ordinal) && ++seen == count, timeout);
    }

    /// <summary>The first line after <paramref name="mark"/> that ends a reload, applied or refused.</summary>
    public Task<string> WaitForOutcomeAsync(int mark) =>
        WaitForLineAsync(mark, l => IsReloadApplied(l) || IsReloadRefused(l));

    /// <summary>Sends SIGUSR1 and returns the line that ends the reload it starts: "Reloaded ..." or "Reload of ... refused ...".</summary>
    public async Task<string> SignalReloadAsync()
    {
        var mark = Mark();
        await SignalAsync("USR1");
        return await WaitForOutcomeAsync(mark);
    }

    /// <summary>Writes <paramref name="config"/>, reloads it, and returns the "Reloaded" line; fails if the reload was refused.</summary>
    public async Task<string> ReloadAsync(string config)
    {
        WriteConfig(config);
        var outcome = await SignalReloadAsync();
        Assert.True(IsReloadApplied(outcome), $"expected the reload to be applied, got: {outcome}{System.Environment.NewLine}{Describe()}");
        return outcome;
    }

    /// <summary>
    /// Picks <paramref name="portCount"/> free ports and reloads <paramref name="config"/> of them, which adds them; returns
    /// the "Reloaded" line, the ports, and how many attempts were refused because another process took a port first.
    /// </summary>
    public async Task<(string Outcome, int[] Ports, int Retries)> ReloadAddingFreshPortsAsync(int portCount, Func<int[], string> config)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(portCount);
            var mark = Mark();
            WriteConfig(config(ports));
            var outcome = await SignalReloadAsync();
            if (IsReloadApplied(outcome))
            {
                return (outcome, ports, attempt - 1);
            }

            var raced = attempt < Attempts
                && outcome.EndsWith("port(s) could not be bound; still running on the previous configuration", StringComparison.Ordinal)
                && LinesSince(mark).Where(l => l.Contains("[1012] Cannot listen on ", StringComparison.Ordinal))
                    .All(l => l.EndsWith(AddressInUse, StringComparison.Ordinal) && ports.Any(p => l.Contains($"127.0.0.1:{p}: ", StringComparison.Ordinal)));
            Assert.True(raced, $"expected the reload to be applied, got: {outcome}{System.Environment.NewLine}{Describe()}");
        }
    }

    /// <summary>Writes <paramref name="config"/>, reloads it, and returns the "refused" line; fails if the reload was applied.</summary>
    public async Task<string> ReloadExpectingRefusalAsync(string config)
    {
        WriteConfig(config);
        var outcome = await SignalReloadAsync();
        Assert.True(IsReloadRefused(outcome), $"expected the reload to be refused, got: {outcome}{System.Environment.NewLine}{Describe()}");
        return outcome;
    }

    /// <summary>The summary an applied reload logs, as it should read for this change.</summary>
    public string Summary(string portsAdded, string portsRemoved, string groupsAdded = "", string groupsRemoved = "", string groupsChanged = "") =>
        $"Reloaded {ConfigPath}: ports added [{portsAdded}], removed [{portsRemoved}]; groups added [{groupsAdded}], removed [{groupsRemoved}], changed [{groupsChanged}]";

    private static InvalidOperationException NotStartedWithConfig() =>
        new("this server was not started by StartWithConfigAsync, so it has no configuration file of its own");
}
