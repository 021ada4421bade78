using Microsoft.Extensions.Time.Testing;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>
/// An entry lives while a connection with its key is open and for <c>expiration</c> after the last one closes, on the
/// host's clock (a fake one here; connect and first-message timers also run on it, so nothing here relies on them).
/// </summary>
public sealed class ExpiryTests
{
    private static readonly TimeSpan Expiration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Expiry_AfterLastConnectionCloses_EntryLivesForExpirationThenGoes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var alpha = NamedBackend.Start("alpha");
        await using var bravo = NamedBackend.Start("bravo");
        await using var proxy = await ProxyHost.StartAsync(OnePort(alpha.EndPoint, bravo.EndPoint) with { Expiration = Expiration }, time: time);
        var key = ProxyHost.KeyOf(2);
        var name = await proxy.AskOnceAsync(2);
        var group = name == "alpha" ? 0 : 1;
        await proxy.WaitUntilIdleAsync(key);

        time.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal(group, proxy.Table.Lookup(key));
        Assert.Equal(name, await proxy.AskOnceAsync(2));
        await proxy.WaitUntilIdleAsync(key);

        // The second connection restarted the countdown: 9 s after it closed the entry is still there.
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(group, proxy.Table.Lookup(key));

        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Null(proxy.Table.Lookup(key));
        Assert.Equal(0, proxy.Table.Count);
    }

    [Fact]
    public async Task Expiry_ConnectionOpenLongerThanExpiration_EntryStays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var backend = NamedBackend.Start("only");
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint) with { Expiration = Expiration }, time: time);
        var key = ProxyHost.KeyOf(2);
        using (var client = await proxy.ConnectAsync(2))
        {
            Assert.Equal("only", await client.ReceiveLineAsync());

            time.Advance(TimeSpan.FromSeconds(30));

            Assert.Equal(0, proxy.Table.Lookup(key));

            // The backend echoes after its greeting: the connection still reaches it.
            Assert.Equal("still open", await client.AskAsync("still open\n"));
        }

        await proxy.WaitUntilIdleAsync(key);
        time.Advance(Expiration - TimeSpan.FromSeconds(1));
        Assert.Equal(0, proxy.Table.Lookup(key));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(proxy.Table.Lookup(key));
    }
}
