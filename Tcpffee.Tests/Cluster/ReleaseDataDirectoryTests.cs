using System.Globalization;
using System.Text;
using Tcpffee.Cluster;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.Cluster;

/// <summary>
/// A data directory written by an earlier release (<c>Fixtures/release-*</c>, made by <c>Fixtures/make-release-data</c>:
/// three proxies, 200 clients, forgotten entries, overrides and a failing check) opens with the current logs and state
/// machines to the same state, described line by line in <c>release-*.state.txt</c>. A change to the log's options, the
/// command formats or the state machines that reads old data differently fails here.
/// </summary>
public sealed class ReleaseDataDirectoryTests(ITestOutputHelper output)
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Cluster", "Fixtures");

    [Theory]
    [InlineData("release-0.1.0")]
    public async Task OpenDataDirectory_OfAnEarlierRelease_HasTheStateThatReleaseWrote(string release)
    {
        using var copy = new TempDirectory();
        CopyDirectory(Path.Combine(Fixtures, release), copy.Path);

        var stick = new StickReplica(TimeSpan.FromDays(1), 1_000_000, TimeProvider.System);
        var health = new HealthReplica(3);
        var state = new StringBuilder();
        state.Append(await ReplayAsync(Path.Combine(copy.Path, "stick_table"), stick, "stick_table"));
        foreach (var entry in stick.State.Snapshot().OrderBy(e => e.Key))
        {
            state.Append(CultureInfo.InvariantCulture, $"entry {entry.Key} group {entry.GroupId} last active {entry.LastActiveMs}\n");
        }

        state.Append(await ReplayAsync(Path.Combine(copy.Path, "healthchecks"), health, "healthchecks"));
        foreach (var check in health.Checks())
        {
            var votes = string.Join(", ", health.Votes(check).Select(v => v?.ToString() ?? "none"));
            state.Append(CultureInfo.InvariantCulture, $"check {check} verdict {health.Verdict(check)} votes {votes}\n");
        }

        foreach (var (group, status) in health.Overrides().OrderBy(o => o.Key))
        {
            state.Append(CultureInfo.InvariantCulture, $"override group {group} {status}\n");
        }

        var expectedPath = Path.Combine(Fixtures, release + ".state.txt");
        var actual = state.ToString();
        var received = Path.Combine(AppContext.BaseDirectory, release + ".state.received.txt");
        await File.WriteAllTextAsync(received, actual);
        output.WriteLine($"the state read is in {received}");
        Assert.True(File.Exists(expectedPath), $"no {expectedPath}: review {received} and keep it there");
        Assert.Equal(await File.ReadAllTextAsync(expectedPath), actual);
    }

    /// <summary>Opens one group's files as the proxy does, waits until every committed entry is applied, and says how many there were.</summary>
    private static async Task<string> ReplayAsync(string directory, IReplicatedState state, string name)
    {
        await using var storage = await RaftStorage.OpenAsync(directory, name, state, CancellationToken.None);
        var committed = storage.Log.LastCommittedEntryIndex;
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await storage.Log.WaitForApplyAsync(committed, timeout.Token);
        return string.Create(CultureInfo.InvariantCulture, $"{name}: {committed} entries committed, {storage.Log.LastAppliedIndex} applied\n");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
