using System.Globalization;
using System.Net;
using System.Text.Json;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Tests.Cli;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>
/// The built server as a child process: health state saved at shutdown and restored at the next start, before the
/// first client; a damaged state file at start.
/// </summary>
public sealed class HealthProcessTests : IDisposable
{
    private readonly ServerEnvironment _environment = new();
    private readonly int _proxyPort = FreePorts.Next();
    private readonly int _statsPort = FreePorts.Next();

    public void Dispose() => _environment.Dispose();

    private string SavePath => _environment.Directory.Combine("healthcheck_state");

    [Fact]
    public async Task Restart_GroupSavedDown_TakesNoNewClientsFromTheFirstConnection()
    {
        await using var a = NamedBackend.Start("A");
        await using var b = NamedBackend.Start("B");
        await a.StopAsync();

        // Both runs use the same check: a check whose settings change gets a new identity and starts fresh.
        // The interval is long, so in the second run the only probe before the assertions is the first one, which
        // passes once (rise is 2): the group can only be down there because the saved state says so.
        var config = _environment.Directory.WriteFile("tcpffee.toml", Config(a, b, "interval = 60\ntimeout = 1\nfall = 1\nrise = 2"));
        await using (var first = ServerProcess.Start(["--config", config], _environment.Variables()))
        {
            await WaitStartedAsync(first);
            await Eventually.HoldsAsync(
                () => SavedStates().Any(s => !s.Up),
                "the save file to show the check down", diagnostics: () => $"{(File.Exists(SavePath) ? File.ReadAllText(SavePath) : "(no file)")}{Environment.NewLine}{first.Describe()}");
            await first.SignalAsync("TERM");
            Assert.Equal(0, await first.WaitForExitAsync());
        }

        a.Restart();
        await using var second = ServerProcess.Start(["--config", config], _environment.Variables());
        await WaitStartedAsync(second);

        for (var client = 2; client <= 7; client++)
        {
            Assert.Equal("B", await TestClient.WhoAnswersAsync(ProxyEndPoint, client));
        }

        Assert.Equal((HttpStatusCode.OK, "Degraded"), await HealthzAsync());
        Assert.Contains("Restored the state of 1 health checks", second.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("one bad record")]
    public async Task Start_CorruptSaveFile_StartsWarnsAndTreatsEveryCheckAsUp(string damage)
    {
        await using var a = NamedBackend.Start("A");
        await using var b = NamedBackend.Start("B");
        var text = Config(a, b, "interval = 60\ntimeout = 1\nfall = 1\nrise = 2");
        var config = _environment.Directory.WriteFile("tcpffee.toml", text);

        // A record that would drain group 0 if it were believed, next to one that makes the file unusable.
        var parsed = ConfigLoader.Parse(text, config);
        var group = parsed.Groups[0];
        var identity = HealthCheckIdentity.For(0, group.HealthChecks[0], HealthCheckTargets.For(parsed, group, group.HealthChecks[0]));
        HealthStateFile.Save(SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus> { [identity] = new(false, 0, 9, null, null) });
        var saved = File.ReadAllText(SavePath);
        File.WriteAllText(SavePath, damage == "garbage"
            ? "{ this is not JSON"
            : saved.Replace("\"checks\": [", "\"checks\": [ { \"group\": 1, \"check\": \"not-an-identity\", \"up\": false },", StringComparison.Ordinal));

        await using var server = ServerProcess.Start(["--config", config], _environment.Variables());
        await WaitStartedAsync(server);

        var warning = await server.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains("Cannot restore health check state from", StringComparison.Ordinal));
        Assert.Contains("warn", warning, StringComparison.Ordinal);
        Assert.Contains(SavePath, warning, StringComparison.Ordinal);
        var answers = new List<string>();
        for (var client = 2; client <= 5; client++)
        {
            answers.Add(await TestClient.WhoAnswersAsync(ProxyEndPoint, client));
        }

        Assert.Equal(2, answers.Count(x => x == "A"));
        Assert.Equal(2, answers.Count(x => x == "B"));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthzAsync());
    }

    private IPEndPoint ProxyEndPoint => new(IPAddress.Loopback, _proxyPort);

    private static async Task WaitStartedAsync(ServerProcess server) =>
        await server.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains(" started (PID", StringComparison.Ordinal));

    private List<HealthCheckStatus> SavedStates()
    {
        var states = HealthStateFile.Load(SavePath, out _);
        return [.. states.Values];
    }

    private async Task<(HttpStatusCode Code, string Status)> HealthzAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{_statsPort}/healthz"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.GetProperty("status").GetString()!);
    }

    private string Config(NamedBackend a, NamedBackend b, string check) => string.Create(CultureInfo.InvariantCulture, $"""
        bind_addr = "127.0.0.1"
        stats_bind_socket = "127.0.0.1:{_statsPort}"
        ports = [ {_proxyPort} ]
        expiration = 600
        [groups.0]
        portmap = {"{"} {_proxyPort} = "127.0.0.1:{a.EndPoint.Port}" {"}"}
        [[groups.0.healthchecks]]
        {check}
        [groups.1]
        portmap = {"{"} {_proxyPort} = "127.0.0.1:{b.EndPoint.Port}" {"}"}
        """);
}
