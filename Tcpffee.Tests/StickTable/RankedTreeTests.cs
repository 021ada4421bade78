using Tcpffee.StickTable;
using static Tcpffee.Tests.StickTable.StickTestKeys;

namespace Tcpffee.Tests.StickTable;

/// <summary>The key index behind stick table pages, checked against a sorted list under random adds and removes.</summary>
public sealed class RankedTreeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CopyRangeAndCountBefore_RandomAddsAndRemoves_MatchSortedList(int seed)
    {
        var random = new Random(seed);
        var tree = new RankedTree<StickEntry, StickEntryByKey>();
        var present = new Dictionary<StickKey, StickEntry>();
        for (int step = 0; step < 4000; step++)
        {
            var key = Key(random.Next(600));
            if (present.Remove(key, out var existing))
            {
                tree.Remove(existing);
            }
            else
            {
                var entry = new StickEntry(key, 0);
                present.Add(key, entry);
                tree.Add(entry);
            }

            if (step % 97 != 0)
            {
                continue;
            }

            var sorted = present.Keys.Order().ToList();
            Assert.Equal(sorted.Count, tree.Count);
            int start = random.Next(sorted.Count + 2);
            int count = random.Next(1, 40);
            var page = new List<StickEntry>();
            tree.CopyRange(start, count, page);
            Assert.Equal(sorted.Skip(start).Take(count), page.Select(e => e.Key));

            var probe = Key(random.Next(600));
            Assert.Equal(sorted.Count(k => k.CompareTo(probe) < 0), tree.CountBefore(probe));
        }
    }

    [Fact]
    public void CopyRange_WholeTree_InKeyOrderIPv4BeforeIPv6()
    {
        var tree = new RankedTree<StickEntry, StickEntryByKey>();
        string[] keys = ["::1", "10.0.0.10", "10.0.0.2", "10.0.0.2|b", "10.0.0.2|a", "9.255.255.255"];
        foreach (var text in keys)
        {
            Assert.True(StickKey.TryParse(text, out var key));
            tree.Add(new StickEntry(key, 0));
        }

        var all = new List<StickEntry>();
        tree.CopyRange(0, 100, all);

        Assert.Equal(["9.255.255.255", "10.0.0.2", "10.0.0.2|a", "10.0.0.2|b", "10.0.0.10", "::1"], all.Select(e => e.Key.ToString()));
    }
}
