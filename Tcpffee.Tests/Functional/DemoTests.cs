using System.Globalization;
using System.Text.RegularExpressions;
using Tcpffee.Tests.Cli;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Functional;

/// <summary>The <c>demo</c> verb as a user runs it: two backends, four clients, three connections each.</summary>
public sealed partial class DemoTests : IDisposable
{
    private readonly ServerEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public async Task Demo_OnFreePorts_EachClientStuckToOneBackendBothUsedAndSigIntExitsZero()
    {
        var (demo, _) = await ServerProcess.StartOnFreePortsAsync(
            2,
            ports => ["demo", "--port", ports[0].ToString(CultureInfo.InvariantCulture), "--stats-port", ports[1].ToString(CultureInfo.InvariantCulture)],
            _environment.Variables(),
            line => line.Contains("Three connections from each", StringComparison.Ordinal));
        await using var disposeDemo = demo;

        var backendsSeen = new HashSet<string>();
        for (var n = 2; n <= 5; n++)
        {
            var source = $"127.0.0.{n}";
            var line = await demo.WaitForLineAsync(ProcessOutput.StandardOutput, l => ClientLine().Match(l) is { Success: true } m && m.Groups["source"].Value == source);
            var answers = ClientLine().Match(line).Groups["answers"].Value.Split(", ");

            Assert.Equal(3, answers.Length);
            Assert.Single(answers.Distinct());
            Assert.True(answers[0] is "alpha" or "bravo", $"unexpected answer in: {line}");
            backendsSeen.Add(answers[0]);
        }

        Assert.Equal(["alpha", "bravo"], backendsSeen.Order());
        await demo.SignalAsync("INT");
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [GeneratedRegex(@"^\s*from (?<source>127\.0\.0\.\d+)\s+-> (?<answers>.*)$")]
    private static partial Regex ClientLine();
}
