using Tcpffee.Cluster;
using Tcpffee.Model;
using Tcpffee.Tests.Cluster.Units;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster;

/// <summary>
/// A data directory whose groups hold a snapshot file the first release wrote (<c>sm/&lt;index&gt;-&lt;term&gt;</c>)
/// opens, as the proxy opens it, with the state that snapshot holds.
/// </summary>
public sealed class SnapshotDataDirectoryTests
{
    [Fact]
    public async Task OpenDataDirectory_SnapshotFilesOfTheFirstRelease_Restored()
    {
        using var data = new TempDirectory();
        var stickDirectory = WriteSnapshot(data, "stick_table", FirstReleaseSnapshots.Stick);
        var healthDirectory = WriteSnapshot(data, "healthchecks", FirstReleaseSnapshots.Health);
        var stick = new StickReplica(TimeSpan.FromDays(1), 1_000_000, TimeProvider.System);
        var health = new HealthReplica(3);

        await using (await RaftStorage.OpenAsync(stickDirectory, "stick_table", stick, CancellationToken.None))
        await using (await RaftStorage.OpenAsync(healthDirectory, "healthchecks", health, CancellationToken.None))
        {
            Assert.Equal(3, stick.State.Count);
            Assert.Equal(
                [("10.0.0.1", 3), ("10.0.0.2|\\x02\\x03\\x04", 1), ("2001:db8::7", 0)],
                stick.State.Snapshot().Select(e => (e.Key.ToString(), e.GroupId)).OrderBy(e => e.Item1, StringComparer.Ordinal));
            Assert.Equal(["1/0", "2/1", "ünï ✓"], health.Checks());
            Assert.False(health.Verdict("1/0"));
            Assert.Equal(new bool?[] { true, null, true }, health.Votes("2/1"));
            Assert.Equal(new Dictionary<int, GroupStatus> { [1] = GroupStatus.Disabled, [4] = GroupStatus.Draining }, health.Overrides());
        }
    }

    private static string WriteSnapshot(TempDirectory data, string group, string hex)
    {
        var directory = data.Combine(group);
        Directory.CreateDirectory(Path.Combine(directory, "sm"));
        File.WriteAllBytes(Path.Combine(directory, "sm", "7-1"), Convert.FromHexString(hex));
        return directory;
    }
}
