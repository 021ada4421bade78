using System.Collections.Immutable;
using Tcpffee.Model;
using Tcpffee.Routing;
using static Tcpffee.Tests.Routing.RouteBuilder;

namespace Tcpffee.Tests.Routing;

/// <summary>Choosing a group for a new key: fewest entries, then fewest open connections, then at random, among groups that are up.</summary>
public sealed class GroupSelectorTests
{
    private static readonly Random Seeded = new(1234);

    private static int? Choose(ImmutableArray<GroupRoute> routes, int[] entries, IReadOnlyCollection<int>? excluded = null, Random? random = null) =>
        GroupSelector.Choose(routes, id => entries[id], excluded, random ?? Seeded)?.GroupId;

    [Theory]
    [InlineData(new[] { 3, 1, 2 }, new[] { 0, 0, 0 }, 1)]
    [InlineData(new[] { 0, 5, 5 }, new[] { 9, 0, 0 }, 0)]
    [InlineData(new[] { 2, 2, 2 }, new[] { 4, 1, 3 }, 1)]
    [InlineData(new[] { 2, 1, 1 }, new[] { 0, 7, 2 }, 2)]
    public void Choose_DifferentCounts_FewestEntriesThenFewestConnections(int[] entries, int[] connections, int expected)
    {
        ImmutableArray<GroupRoute> routes = [.. connections.Select((c, id) => Route(id, openConnections: c))];

        Assert.Equal(expected, Choose(routes, entries));
    }

    [Fact]
    public void Choose_ThreeGroupsTiedOverManyRuns_EachChosenRoughlyAThird()
    {
        ImmutableArray<GroupRoute> routes = [Route(0, openConnections: 1), Route(1, openConnections: 1), Route(2, openConnections: 1), Route(3, openConnections: 2)];
        var random = new Random(42);
        var chosen = new int[4];

        for (var i = 0; i < 3000; i++)
        {
            chosen[Choose(routes, [1, 1, 1, 1], random: random)!.Value]++;
        }

        Assert.All(chosen[..3], count => Assert.InRange(count, 850, 1150));
        Assert.Equal(0, chosen[3]);
    }

    [Theory]
    [InlineData("Draining")]
    [InlineData("Disabled")]
    public void Choose_GroupWithFewestEntriesNotUp_Skipped(string status)
    {
        ImmutableArray<GroupRoute> routes = [Route(0, Enum.Parse<GroupStatus>(status)), Route(1), Route(2)];

        Assert.Equal(2, Choose(routes, [0, 5, 4]));
    }

    [Fact]
    public void Choose_GroupWithFewestEntriesExcluded_Skipped()
    {
        ImmutableArray<GroupRoute> routes = [Route(0), Route(1), Route(2)];

        Assert.Equal(2, Choose(routes, [0, 1, 0], excluded: [0]));
    }

    [Fact]
    public void Choose_StatusComesFromAnySource_MostSevereWins()
    {
        var route = Route(0);
        route.State.SetHealth(GroupStatus.Draining);
        ImmutableArray<GroupRoute> routes = [route, Route(1)];

        Assert.Equal(1, Choose(routes, [0, 9]));
    }

    [Theory]
    [InlineData("Draining", "Disabled", null)]
    [InlineData("Disabled", "Up", 1)]
    public void Choose_NoGroupEligible_ReturnsNull(string first, string second, int? excluded)
    {
        ImmutableArray<GroupRoute> routes = [Route(0, Enum.Parse<GroupStatus>(first)), Route(1, Enum.Parse<GroupStatus>(second))];

        Assert.Null(Choose(routes, [0, 0], excluded: excluded is { } id ? [id] : null));
    }

    [Fact]
    public void Choose_NoRoutes_ReturnsNull() => Assert.Null(Choose([], []));
}
