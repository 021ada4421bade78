using Tcpffee.Tests.Cli;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload.Support;

/// <summary>
/// The built proxy as a child process reading one config file in its own temp directory, with helpers to rewrite that
/// file, reload it (SIGUSR1) and look at the log lines written after a given point.
/// </summary>
/// <remarks>
/// Free ports are found by binding port 0 and releasing it, so another process (tests run in parallel) can take one
/// before the proxy binds it. Only that case, "Address already in use" on a port just picked, is retried with new ports.
/// </remarks>
public sealed class ReloadingProxy : IAsyncDisposable
{
    private const int Attempts = 5;
    private const string ReloadedMarker = "[5006] Reloaded ";
    private const string RefusedMarker = "[5003] Reload of ";
    private const string AddressInUse = "Address already in use";

    private ReloadingProxy(CliTestEnvironment environment, string configPath, ServerProcess server, int[] ports)
    {
        Environment = environment;
        ConfigPath = configPath;
        Server = server;
        Ports = ports;
    }

    public CliTestEnvironment Environment { get; }

    /// <summary>The file the proxy was started with and reloads.</summary>
    public string ConfigPath { get; }

    public ServerProcess Server { get; }

    /// <summary>The free ports the config was built with, in the order it was given them.</summary>
    public int[] Ports { get; }

    /// <summary>
    /// Picks <paramref name="portCount"/> free ports, starts the proxy on <paramref name="config"/> of them with
    /// <c>TCPFFEE_LOG=<paramref name="logLevel"/></c>, and returns once it logged that it started.
    /// </summary>
    public static async Task<ReloadingProxy> StartAsync(int portCount, Func<int[], string> config, string logLevel = "debug")
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Next(portCount);
            var environment = new CliTestEnvironment();
            var path = environment.Directory.WriteFile("tcpffee.toml", config(ports));
            var server = ServerProcess.Start(["--config", path], environment.Variables(("TCPFFEE_LOG", logLevel)));
            var proxy = new ReloadingProxy(environment, path, server, ports);
            try
            {
                await server.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains(" started (PID ", StringComparison.Ordinal));
                return proxy;
            }
            catch (InvalidOperationException) when (attempt < Attempts)
            {
                // The proxy exited. If another process took one of the ports between the pick and the bind, pick again.
                await server.WaitForExitAsync();
                var raced = server.StandardError.Contains(AddressInUse, StringComparison.Ordinal);
                await proxy.DisposeAsync();
                if (!raced)
                {
                    throw;
                }
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }
    }

    public static bool IsApplied(string line) => line.Contains(ReloadedMarker, StringComparison.Ordinal);

    public static bool IsRefused(string line) => line.Contains(RefusedMarker, StringComparison.Ordinal);

    public void WriteConfig(string config) => File.WriteAllText(ConfigPath, config);

    /// <summary>How many stdout lines the proxy wrote so far: a point to look for later lines from.</summary>
    public int Mark() => Server.StandardOutput.Count(c => c == '\n');

    /// <summary>The stdout lines written after <paramref name="mark"/>, so far.</summary>
    public IReadOnlyList<string> LinesSince(int mark) =>
        [.. Server.StandardOutput.Split('\n').SkipLast(1).Skip(mark)];

    /// <summary>The first stdout line after <paramref name="mark"/> that matches, already written or yet to come.</summary>
    public Task<string> WaitForLineAsync(int mark, Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        // The server process evaluates the predicate once per line, in order: first the lines it has, then each new one.
        var index = 0;
        return Server.WaitForLineAsync(ProcessOutput.StandardOutput, line => index++ >= mark && predicate(line), timeout);
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
        WaitForLineAsync(mark, l => IsApplied(l) || IsRefused(l));

    /// <summary>Sends SIGUSR1 and returns the line that ends the reload it starts: "Reloaded ..." or "Reload of ... refused ...".</summary>
    public async Task<string> SignalReloadAsync()
    {
        var mark = Mark();
        await Server.SignalAsync("USR1");
        return await WaitForOutcomeAsync(mark);
    }

    /// <summary>Writes <paramref name="config"/>, reloads it, and returns the "Reloaded" line; fails if the reload was refused.</summary>
    public async Task<string> ReloadAsync(string config)
    {
        WriteConfig(config);
        var outcome = await SignalReloadAsync();
        Assert.True(IsApplied(outcome), $"expected the reload to be applied, got: {outcome}{System.Environment.NewLine}{Server.Describe()}");
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
            if (IsApplied(outcome))
            {
                return (outcome, ports, attempt - 1);
            }

            var raced = attempt < Attempts
                && outcome.EndsWith("port(s) could not be bound; still running on the previous configuration", StringComparison.Ordinal)
                && LinesSince(mark).Where(l => l.Contains("[1012] Cannot listen on ", StringComparison.Ordinal))
                    .All(l => l.EndsWith(AddressInUse, StringComparison.Ordinal) && ports.Any(p => l.Contains($"127.0.0.1:{p}: ", StringComparison.Ordinal)));
            Assert.True(raced, $"expected the reload to be applied, got: {outcome}{System.Environment.NewLine}{Server.Describe()}");
        }
    }

    /// <summary>Writes <paramref name="config"/>, reloads it, and returns the "refused" line; fails if the reload was applied.</summary>
    public async Task<string> ReloadExpectingRefusalAsync(string config)
    {
        WriteConfig(config);
        var outcome = await SignalReloadAsync();
        Assert.True(IsRefused(outcome), $"expected the reload to be refused, got: {outcome}{System.Environment.NewLine}{Server.Describe()}");
        return outcome;
    }

    /// <summary>The summary an applied reload logs, as it should read for this change.</summary>
    public string Summary(string portsAdded, string portsRemoved, string groupsAdded = "", string groupsRemoved = "", string groupsChanged = "") =>
        $"Reloaded {ConfigPath}: ports added [{portsAdded}], removed [{portsRemoved}]; groups added [{groupsAdded}], removed [{groupsRemoved}], changed [{groupsChanged}]";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Environment.Dispose();
    }
}
