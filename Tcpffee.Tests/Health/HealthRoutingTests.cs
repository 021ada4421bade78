using Tcpffee.Configuration;
using Tcpffee.Model;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health;

/// <summary>
/// The whole proxy on the real clock: group 0's check probes its own health port, so the check can fail while group
/// 0's backend still accepts clients; what clients see then comes from the health state alone, not from connect errors.
/// </summary>
public sealed class HealthRoutingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Route_StuckGroupDisabledByHealthCheck_ClientsMoveToTheOtherGroupOnTheirNextConnection()
    {
        await using var setup = await Setup.StartAsync(FallAction.Disabled);
        var (onA, onB) = await setup.AssignClientsAsync();

        await setup.Health.StopAsync();
        await Eventually.HoldsAsync(() => setup.Proxy.Group(0).Health == GroupStatus.Disabled, "group 0 to be disabled", diagnostics: () => setup.Proxy.Describe());

        foreach (var client in onA)
        {
            Assert.Equal("B", await setup.Proxy.AskOnceAsync(client));
            Assert.Equal(1, setup.Proxy.Table.Lookup(Key(client)));
        }

        foreach (var client in onB)
        {
            Assert.Equal("B", await setup.Proxy.AskOnceAsync(client));
            Assert.Equal(1, setup.Proxy.Table.Lookup(Key(client)));
        }

        Assert.Equal("B", await setup.Proxy.AskOnceAsync(21));
    }

    [Fact]
    public async Task Route_StuckGroupDrainingByHealthCheck_StuckClientsStayAndNewClientsGoElsewhere()
    {
        await using var setup = await Setup.StartAsync(FallAction.Draining);
        var (onA, onB) = await setup.AssignClientsAsync();

        await setup.Health.StopAsync();
        await Eventually.HoldsAsync(() => setup.Proxy.Group(0).Health == GroupStatus.Draining, "group 0 to drain", diagnostics: () => setup.Proxy.Describe());

        foreach (var client in onA)
        {
            Assert.Equal("A", await setup.Proxy.AskOnceAsync(client));
            Assert.Equal(0, setup.Proxy.Table.Lookup(Key(client)));
        }

        // Both groups hold as many clients, so with group 0 up about half of these would go there.
        for (var client = 21; client < 25; client++)
        {
            Assert.Equal("B", await setup.Proxy.AskOnceAsync(client));
        }

        foreach (var client in onB)
        {
            Assert.Equal("B", await setup.Proxy.AskOnceAsync(client));
        }
    }

    [Fact]
    public async Task Route_CheckWithUpFallAction_NeverChangesRouting()
    {
        await using var setup = await Setup.StartAsync(FallAction.Up);
        var (onA, _) = await setup.AssignClientsAsync();

        await setup.Health.StopAsync();
        await Eventually.HoldsAsync(() => !setup.Proxy.Check(0).Status.Up, "the check to go down", diagnostics: () => setup.Proxy.Describe());

        Assert.Equal(GroupStatus.Up, setup.Proxy.Group(0).Effective);
        foreach (var client in onA)
        {
            Assert.Equal("A", await setup.Proxy.AskOnceAsync(client));
        }

        var answers = new List<string>();
        for (var client = 21; client < 25; client++)
        {
            answers.Add(await setup.Proxy.AskOnceAsync(client));
        }

        Assert.Contains("A", answers);
    }

    private static StickKey Key(int client) => StickKey.FromAddress(TestClient.Source(client));

    private sealed class Setup : IAsyncDisposable
    {
        private Setup(NamedBackend a, NamedBackend b, NamedBackend health, ProxyHost proxy)
        {
            (A, B, Health, Proxy) = (a, b, health, proxy);
        }

        public NamedBackend A { get; }

        public NamedBackend B { get; }

        public NamedBackend Health { get; }

        public ProxyHost Proxy { get; }

        public static async Task<Setup> StartAsync(FallAction action)
        {
            var a = NamedBackend.Start("A");
            var b = NamedBackend.Start("B");
            var health = NamedBackend.Start("health");

            // fall 3 with a timeout as long as the interval: a probe slowed by a busy machine does not take the group down.
            var check = TestConfig.Tcp(fall: 3, rise: 1, action: action, interval: Interval, timeout: Interval, port: health.EndPoint.Port);
            var config = TestConfig.Proxy(TestConfig.Group(0, a.EndPoint, check), TestConfig.Group(1, b.EndPoint));
            ProxyHost proxy;
            try
            {
                proxy = await ProxyHost.StartAsync(config);
            }
            catch
            {
                await a.DisposeAsync();
                await b.DisposeAsync();
                await health.DisposeAsync();
                throw;
            }

            var setup = new Setup(a, b, health, proxy);
            try
            {
                await Eventually.HoldsAsync(() => proxy.Check(0).Status.ConsecutivePasses > 0, "the first probe to pass", diagnostics: () => proxy.Describe());
            }
            catch
            {
                await setup.DisposeAsync();
                throw;
            }

            return setup;
        }

        /// <summary>Connects clients 2–5: new keys go to the group with fewer entries, so two stick to each group.</summary>
        public async Task<(List<int> OnA, List<int> OnB)> AssignClientsAsync()
        {
            var onA = new List<int>();
            var onB = new List<int>();
            for (var client = 2; client <= 5; client++)
            {
                var answer = await Proxy.AskOnceAsync(client);
                (answer == "A" ? onA : answer == "B" ? onB : throw new InvalidOperationException($"client {client} got '{answer}'")).Add(client);
                Assert.Equal(answer == "A" ? 0 : 1, Proxy.Table.Lookup(Key(client)));
            }

            Assert.Equal(2, onA.Count);
            Assert.Equal(2, onB.Count);

            // Stuck: a second connection of each goes to the same group.
            foreach (var client in onA)
            {
                Assert.Equal("A", await Proxy.AskOnceAsync(client));
            }

            return (onA, onB);
        }

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await A.DisposeAsync();
            await B.DisposeAsync();
            await Health.DisposeAsync();
        }
    }
}
