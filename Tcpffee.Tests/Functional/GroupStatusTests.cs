using Tcpffee.Model;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>Draining groups take no new clients but keep their stuck ones; disabled groups take nothing and lose their clients.</summary>
public sealed class GroupStatusTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Connect_GroupDrainingOrDisabledInConfig_NewClientsGoElsewhere(bool drain, bool disabled)
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        var config = Base with
        {
            Groups = [Group(0, Map((0, alpha.EndPoint)), drain, disabled), Group(1, Map((0, bravo.EndPoint)))],
        };
        await using var proxy = await ProxyHost.StartAsync(config);

        for (var n = 2; n < 6; n++)
        {
            Assert.Equal("bravo", await proxy.AskOnceAsync(n));
        }

        Assert.Equal(0, alpha.Accepted);
        Assert.Equal(4, proxy.Table.CountForGroup(1));
    }

    [Fact]
    public async Task Connect_StuckGroupDrainingAtRuntime_StuckClientStaysAndNewClientsGoElsewhere()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        var stuck = await proxy.AskOnceAsync(2);
        var (stuckGroup, otherName) = stuck == "alpha" ? (0, "bravo") : (1, "alpha");

        proxy.Groups.Get(stuckGroup).SetAdmin(GroupStatus.Draining);

        Assert.Equal(stuck, await proxy.AskOnceAsync(2));
        for (var n = 3; n < 7; n++)
        {
            // The draining group has fewer entries than the other after the first of these: only its status keeps them away.
            Assert.Equal(otherName, await proxy.AskOnceAsync(n));
        }

        Assert.Equal(stuck, await proxy.AskOnceAsync(2));
        Assert.Equal(stuckGroup, proxy.Table.Lookup(ProxyHost.KeyOf(2)));
    }

    [Fact]
    public async Task Connect_StuckGroupDisabledAtRuntime_ClientMovesAndEntryIsUpdated()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        var stuck = await proxy.AskOnceAsync(2);
        var (stuckGroup, otherGroup, otherName) = stuck == "alpha" ? (0, 1, "bravo") : (1, 0, "alpha");

        proxy.Groups.Get(stuckGroup).SetAdmin(GroupStatus.Disabled);
        var moved = await proxy.AskOnceAsync(2);

        Assert.Equal(otherName, moved);
        Assert.Equal(otherGroup, proxy.Table.Lookup(ProxyHost.KeyOf(2)));
        Assert.Equal(1, proxy.Table.Count);

        // Enabled again, the group does not get the client back: the entry now points at the other group.
        proxy.Groups.Get(stuckGroup).SetAdmin(GroupStatus.Up);
        Assert.Equal(otherName, await proxy.AskOnceAsync(2));
    }

    [Fact]
    public async Task Connection_OpenWhenItsGroupIsDisabled_KeepsWorking()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint));
        using var client = await proxy.ConnectAsync(2);
        var name = await client.ReceiveLineAsync();
        var group = name == "alpha" ? 0 : 1;

        proxy.Groups.Get(group).SetAdmin(GroupStatus.Disabled);

        for (var i = 0; i < 3; i++)
        {
            // The backend echoes after its greeting: the connection still reaches it.
            Assert.Equal($"still {name} {i}", await client.AskAsync($"still {name} {i}\n"));
        }

        Assert.NotEqual(name, await proxy.AskOnceAsync(2));
    }
}
