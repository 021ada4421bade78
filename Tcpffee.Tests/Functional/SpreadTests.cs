using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>New clients go to the group with the fewest stick entries, so sequential clients spread evenly.</summary>
public sealed class SpreadTests
{
    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    public async Task Connect_FortyNewClientsInTurn_SpreadEvenlyOverGroups(int groups, int allowedDifference)
    {
        var backends = Enumerable.Range(0, groups).Select(i => NamedBackend.Start($"g{i}")).ToList();
        try
        {
            await using var proxy = await ProxyHost.StartAsync(OnePort([.. backends.Select(b => b.EndPoint)]));

            var served = new Dictionary<string, int>();
            for (var n = 10; n < 50; n++)
            {
                var name = await proxy.AskOnceAsync(n);
                served[name] = served.GetValueOrDefault(name) + 1;
            }

            Assert.Equal(groups, served.Count);
            Assert.Equal(40, served.Values.Sum());
            Assert.InRange(served.Values.Max() - served.Values.Min(), 0, allowedDifference);
            for (var id = 0; id < groups; id++)
            {
                Assert.Equal(served[$"g{id}"], proxy.Table.CountForGroup(id));
            }
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
