using System.Net;
using Tcpffee.Health;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

public sealed class HealthStateFileTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 9, 30, 15, 123, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    private string SavePath => _directory.Combine("healthcheck_state");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Save_ThenLoad_RoundTripsEveryCheck()
    {
        var states = SampleStates();

        HealthStateFile.Save(SavePath, states);
        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Null(error);
        Assert.Equal(states.Count, loaded.Count);
        foreach (var (identity, status) in states)
        {
            Assert.Equal(status, loaded[identity]);
        }
    }

    [Fact]
    public void Save_Twice_ReplacesTheFileAndLeavesNoTemporaryFile()
    {
        HealthStateFile.Save(SavePath, SampleStates());
        var second = new Dictionary<HealthCheckIdentity, HealthCheckStatus> { [Identity(1, 0)] = HealthCheckStatus.Initial };

        HealthStateFile.Save(SavePath, second);

        Assert.Equal(["healthcheck_state"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
        var loaded = HealthStateFile.Load(SavePath, out var error);
        Assert.Null(error);
        Assert.Equal(HealthCheckStatus.Initial, Assert.Single(loaded, c => c.Key == Identity(1, 0)).Value);
        Assert.Single(loaded);
    }

    [Fact]
    public void Save_IntoMissingDirectory_CreatesIt()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "state");

        HealthStateFile.Save(path, SampleStates());

        Assert.Equal(SampleStates().Count, HealthStateFile.Load(path, out var error).Count);
        Assert.Null(error);
    }

    [Fact]
    public void Load_MissingFile_IsEmptyWithoutError()
    {
        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Empty(loaded);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{ \"version\": 99, \"checks\": [] }")]
    [InlineData("null")]
    [InlineData("{ \"version\": 1, \"checks\": [ { \"group\": 1, \"check\": \"nonsense\", \"up\": false } ] }")]
    [InlineData("{ \"version\": 1, \"checks\": [ { \"group\": 2, \"check\": \"1/0/abcdef012345\", \"up\": false } ] }")]
    [InlineData("[ 1, 2, 3 ]")]
    public void Load_CorruptFile_IsEmptyWithAnError(string contents)
    {
        File.WriteAllText(SavePath, contents);

        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Empty(loaded);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Load_OneBadRecordAmongGoodOnes_DiscardsThemAll()
    {
        HealthStateFile.Save(SavePath, SampleStates());
        var text = File.ReadAllText(SavePath);
        var good = Identity(3, 1).ToString();
        File.WriteAllText(SavePath, text.Replace(good, "3/1", StringComparison.Ordinal));

        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Empty(loaded);
        Assert.Contains("3/1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.1)]
    public void Load_TruncatedFile_IsEmptyWithAnError(double keep)
    {
        HealthStateFile.Save(SavePath, SampleStates());
        var bytes = File.ReadAllBytes(SavePath);
        File.WriteAllBytes(SavePath, bytes[..(int)(bytes.Length * keep)]);

        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Empty(loaded);
        Assert.NotNull(error);
    }

    [Fact]
    public void Load_NegativeCounters_AreReadAsZero()
    {
        var identity = Identity(1, 0);
        File.WriteAllText(
            SavePath,
            $$"""{ "version": 1, "checks": [ { "group": 1, "check": "{{identity}}", "up": false, "passes": -4, "fails": -2 } ] }""");

        var loaded = HealthStateFile.Load(SavePath, out var error);

        Assert.Null(error);
        Assert.Equal(new HealthCheckStatus(false, 0, 0, null, null), loaded[identity]);
    }

    private static HealthCheckIdentity Identity(int group, int index) =>
        HealthCheckIdentity.For(group, TestConfig.Tcp(index: index), [IPEndPoint.Parse($"10.0.0.{group}:80")]);

    private static Dictionary<HealthCheckIdentity, HealthCheckStatus> SampleStates() => new()
    {
        [Identity(1, 0)] = HealthCheckStatus.Initial,
        [Identity(1, 1)] = new(false, 0, 4, new ProbeResult(false, "10.0.0.1:80: connection refused", At), At.AddSeconds(-10)),
        [Identity(3, 1)] = new(true, 7, 0, new ProbeResult(true, "1 endpoint(s) accepted", At.ToOffset(TimeSpan.FromHours(2))), At.AddMinutes(-3)),
        [Identity(4, 0)] = new(false, 2, 0, new ProbeResult(true, "", At), null),
    };
}
