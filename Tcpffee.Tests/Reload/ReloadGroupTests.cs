using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Reload;

/// <summary>
/// Groups added, changed, removed, drained and disabled by a reload (SIGUSR1). Each backend answers with its name and each
/// client connects from its own 127.0.0.N, so a test sees which group every key is routed to.
/// </summary>
public sealed class ReloadGroupTests
{
    [Fact]
    public async Task Reload_GroupsAddedChangedAndRemoved_NewAndStuckClientsFollow()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var charlie = NamedBackend.Start("charlie");
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], p[1], Group(0, alpha)));
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));

        // Added: group 1 has no entries, group 0 has one, so the next new key goes to group 1.
        var added = await proxy.ReloadAsync(Config(stats, port, Group(0, alpha), Group(1, bravo)));

        Assert.EndsWith(proxy.Summary("", "", groupsAdded: "1"), added, StringComparison.Ordinal);
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 3));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 3));

        // Changed: group 1 now forwards to charlie; its stuck key follows, and of two new keys one lands on each group.
        var changed = await proxy.ReloadAsync(Config(stats, port, Group(0, alpha), Group(1, charlie)));

        Assert.EndsWith(proxy.Summary("", "", groupsChanged: "1"), changed, StringComparison.Ordinal);
        var bravoAccepted = bravo.Accepted;
        Assert.Equal("charlie", await TestClient.WhoAnswersAsync(port, 3));
        string[] newKeys = [await TestClient.WhoAnswersAsync(port, 4), await TestClient.WhoAnswersAsync(port, 5)];
        Assert.Equal(["alpha", "charlie"], newKeys.Order());
        Assert.Equal(bravoAccepted, bravo.Accepted);

        // Removed: the key stuck to group 0 moves to group 1 on its next connection, and stays there.
        var removed = await proxy.ReloadAsync(Config(stats, port, Group(1, charlie)));

        Assert.EndsWith(proxy.Summary("", "", groupsRemoved: "0"), removed, StringComparison.Ordinal);
        var alphaAccepted = alpha.Accepted;
        Assert.Equal("charlie", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("charlie", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("charlie", await TestClient.WhoAnswersAsync(port, 6));
        Assert.Equal(alphaAccepted, alpha.Accepted);
    }

    [Fact]
    public async Task Reload_GroupSetToDrain_KeepsStuckClientsAndSendsNewClientsElsewhere()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        // Group 1 starts drained, so every key starts on group 0.
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], p[1], Group(0, alpha), Group(1, bravo, "drain = true")));
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 3));

        var outcome = await proxy.ReloadAsync(Config(stats, port, Group(0, alpha, "drain = true"), Group(1, bravo)));

        Assert.EndsWith(proxy.Summary("", "", groupsChanged: "0, 1"), outcome, StringComparison.Ordinal);
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 3));
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 4));
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 5));
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
    }

    [Fact]
    public async Task Reload_GroupSetToDisabled_MovesStuckClientsOnTheirNextConnection()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ServerProcess.StartWithConfigAsync(2, p => Config(p[0], p[1], Group(0, alpha), Group(1, bravo, "drain = true")));
        var (stats, port) = (proxy.Ports[0], proxy.Ports[1]);
        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(port, 2));
        await using var held = await TestClient.ConnectAsync(port, 3);
        Assert.Equal("alpha", await held.ReceiveLineAsync());

        var outcome = await proxy.ReloadAsync(Config(stats, port, Group(0, alpha, "disabled = true"), Group(1, bravo)));

        Assert.EndsWith(proxy.Summary("", "", groupsChanged: "0, 1"), outcome, StringComparison.Ordinal);
        var alphaAccepted = alpha.Accepted;
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 2));
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 4));
        Assert.Equal(alphaAccepted, alpha.Accepted);

        // A connection opened before the reload is left to finish on the disabled group.
        await held.RoundTripAsync("still talking to alpha");

        // Once moved, the key stays on its new group, even when the old one comes back.
        await proxy.ReloadAsync(Config(stats, port, Group(0, alpha), Group(1, bravo)));
        Assert.Equal("bravo", await TestClient.WhoAnswersAsync(port, 2));
    }

    private static string Group(int id, NamedBackend backend, string extra = "") =>
        $"[groups.{id}]\n{extra}\n[groups.{id}.portmap]\n{{PORT}} = \"{backend.EndPoint}\"\n";

    private static string Config(int stats, int port, params string[] groups) =>
        TestConfig.TomlHeader(stats) + $"ports = [ {port} ]\n" + string.Concat(groups).Replace("{PORT}", $"{port}", StringComparison.Ordinal);
}
