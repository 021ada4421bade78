using Tcpffee.Model;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>The stick table is saved at shutdown to TCPFFEE_STICK_TABLE_SAVE_PATH and restored by the next start.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Restart_WithSameSavePath_RestoresEntriesAndClientsKeepTheirGroup()
    {
        using var state = new TempDirectory();
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        var config = OnePort(alpha.EndPoint, bravo.EndPoint);
        var before = new Dictionary<int, string>();
        Dictionary<StickKey, int> saved;
        await using (var first = await ProxyHost.StartAsync(config, stateDirectory: state.Path))
        {
            for (var n = 2; n < 6; n++)
            {
                before[n] = await first.AskOnceAsync(n);
                await first.WaitUntilIdleAsync(ProxyHost.KeyOf(n));
            }

            saved = first.Table.Snapshot().ToDictionary(e => e.Key, e => e.GroupId);
            await first.StopAsync();
        }

        Assert.True(File.Exists(state.Combine("stick_table")), "the stick table was not saved at shutdown");
        Assert.Equal(4, saved.Count);
        Assert.Equal(2, saved.Values.Count(g => g == 0));

        await using var second = await ProxyHost.StartAsync(config, stateDirectory: state.Path);
        var restored = second.Table.Snapshot().ToDictionary(e => e.Key, e => e.GroupId);
        Assert.Equal(saved, restored);

        // Draining group 1 sends every unknown key to group 0: only a restored entry brings a client back to bravo.
        second.Groups.Get(1).SetAdmin(GroupStatus.Draining);
        for (var n = 2; n < 6; n++)
        {
            Assert.Equal(before[n], await second.AskOnceAsync(n));
        }

        Assert.Equal("alpha", await second.AskOnceAsync(9));
    }
}
