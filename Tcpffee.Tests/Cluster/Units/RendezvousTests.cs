using System.Collections.Immutable;
using System.Net;
using Tcpffee.Model;
using Tcpffee.Routing;
using Tcpffee.StickTable;
using static Tcpffee.Tests.Cluster.Units.ClusterUnitKeys;
using static Tcpffee.Tests.Routing.RouteBuilder;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>The rendezvous choice isolated proxies agree on without talking: a pure function of the key and the groups that are up.</summary>
public sealed class RendezvousTests
{
    private static readonly ImmutableArray<GroupRoute> ThreeUp = [Route(0), Route(1), Route(2)];

    private static readonly IPAddress ClientAddress = IPAddress.Parse("192.0.2.1");

    private static int? Choose(ImmutableArray<GroupRoute> routes, StickKey key, IReadOnlyCollection<int>? excluded = null) =>
        GroupSelector.Rendezvous(routes, key, excluded)?.GroupId;

    [Fact]
    public void Rendezvous_SameKeyAndGroupsInAnyOrder_SameGroup()
    {
        ImmutableArray<GroupRoute> routes = [Route(0), Route(1), Route(2), Route(3), Route(7)];
        var random = new Random(17);

        for (var n = 0; n < 200; n++)
        {
            var expected = Choose(routes, Key(n));
            var shuffled = routes.ToArray();
            random.Shuffle(shuffled);

            Assert.Equal(expected, Choose([.. shuffled], Key(n)));
            Assert.Equal(expected, Choose([.. routes.Reverse()], Key(n)));
        }
    }

    [Fact]
    public void Rendezvous_FreshRouteObjects_SameGroup()
    {
        // Two proxies build their own routes and states; only the group ids matter.
        ImmutableArray<GroupRoute> other = [Route(2, openConnections: 9), Route(0), Route(1, openConnections: 3)];

        for (var n = 0; n < 100; n++)
        {
            Assert.Equal(Choose(ThreeUp, Key(n)), Choose(other, Key(n)));
        }
    }

    [Theory]
    [InlineData("Draining")]
    [InlineData("Disabled")]
    public void Rendezvous_GroupNotUp_NeverChosen(string status)
    {
        ImmutableArray<GroupRoute> routes = [Route(0), Route(1, Enum.Parse<GroupStatus>(status)), Route(2)];

        var chosen = Enumerable.Range(0, 300).Select(n => Choose(routes, Key(n))).ToList();

        Assert.DoesNotContain(1, chosen);
        Assert.Contains(0, chosen);
        Assert.Contains(2, chosen);
    }

    [Fact]
    public void Rendezvous_NoGroupUp_Null()
    {
        ImmutableArray<GroupRoute> routes = [Route(0, GroupStatus.Draining), Route(1, GroupStatus.Disabled)];

        Assert.Null(Choose(routes, Key(1)));
        Assert.Null(Choose([], Key(1)));
    }

    [Fact]
    public void Rendezvous_ExcludedGroups_Skipped()
    {
        var chosen = Enumerable.Range(0, 300).Select(n => Choose(ThreeUp, Key(n), excluded: [0, 2])).Distinct();

        Assert.Equal(new int?[] { 1 }, chosen);
        Assert.Null(Choose(ThreeUp, Key(1), excluded: [0, 1, 2]));
    }

    [Fact]
    public void Rendezvous_ExcludedGroup_SameAsWithoutThatGroup()
    {
        ImmutableArray<GroupRoute> withoutOne = [Route(0), Route(2)];

        for (var n = 0; n < 300; n++)
        {
            Assert.Equal(Choose(withoutOne, Key(n)), Choose(ThreeUp, Key(n), excluded: [1]));
        }
    }

    [Fact]
    public void Rendezvous_ThousandKeysOverThreeGroups_EachGetsAtLeastAFifth()
    {
        var counts = new int[3];

        for (var n = 0; n < 1000; n++)
        {
            counts[Choose(ThreeUp, Key(n))!.Value]++;
        }

        Assert.All(counts, c => Assert.True(c >= 200, $"counts {string.Join(", ", counts)}"));
    }

    [Fact]
    public void Rendezvous_SameAddressDifferentSlicesOverFiveGroups_Spread()
    {
        ImmutableArray<GroupRoute> routes = [Route(10), Route(11), Route(12), Route(13), Route(14)];
        var counts = new Dictionary<int, int>();

        for (var n = 0; n < 1000; n++)
        {
            // One address, a different slice of the first message per client.
            var key = StickKey.FromAddress(ClientAddress, BitConverter.GetBytes(n));
            var group = Choose(routes, key)!.Value;
            counts[group] = counts.GetValueOrDefault(group) + 1;
        }

        Assert.Equal(5, counts.Count);
        Assert.All(counts.Values, c => Assert.True(c >= 120, $"counts {string.Join(", ", counts)}"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Rendezvous_OneGroupRemoved_OnlyItsKeysMove(int removed)
    {
        ImmutableArray<GroupRoute> remaining = [.. ThreeUp.Where(r => r.GroupId != removed)];
        var moved = 0;

        for (var n = 0; n < 1000; n++)
        {
            var before = Choose(ThreeUp, Key(n));
            var after = Choose(remaining, Key(n));
            if (before == removed)
            {
                Assert.NotEqual(removed, after);
                moved++;
            }
            else
            {
                Assert.Equal(before, after);
            }
        }

        Assert.InRange(moved, 200, 500);
    }

    [Fact]
    public void Rendezvous_GroupAdded_KeysMoveOnlyToTheNewGroup()
    {
        ImmutableArray<GroupRoute> four = [.. ThreeUp, Route(3)];

        for (var n = 0; n < 1000; n++)
        {
            var after = Choose(four, Key(n));
            Assert.True(after == 3 || after == Choose(ThreeUp, Key(n)), $"key {n} moved to {after}");
        }
    }
}
