using System.Net;
using BenchmarkDotNet.Attributes;
using Tcpffee.StickTable;

namespace Tcpffee.Bench.StickTable;

/// <summary>
/// What one API request costs the stick table: one entry by key, and a page of 100 in key order (from the start, from
/// the middle, and of one group), against the copy-and-sort that served the API before the key indexes.
/// </summary>
[MemoryDiagnoser]
public class StickTableAdminBenchmarks
{
    private const int PageSize = 100;

    private LocalStickTable _table = null!;
    private StickKey _probe;

    [Params(1_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = new LocalStickTable(TimeSpan.FromHours(1), Entries + 1);
        var random = new Random(7);
        for (int i = 0; i < Entries; i++)
        {
            var key = StickKey.FromAddress(new IPAddress(random.NextInt64(1, uint.MaxValue)));
            _table.Assign(key, i % 4);
            if (i % 2 == 0)
            {
                _table.Release(key);
            }

            if (i == Entries / 2)
            {
                _probe = key;
            }
        }
    }

    [Benchmark]
    public object? FindOne() => _table.Find(_probe);

    [Benchmark]
    public object FirstPage() => _table.Page(null, 0, PageSize);

    [Benchmark]
    public object MiddlePage() => _table.Page(null, Entries / 2, PageSize);

    [Benchmark]
    public object GroupMiddlePage() => _table.Page(1, Entries / 8, PageSize);

    /// <summary>The former lookup: a copy of the table searched for the key.</summary>
    [Benchmark]
    public object FindOneByCopy() => _table.Snapshot().First(e => e.Key == _probe);

    /// <summary>The former page: a copy of the table sorted by the key's text on each request.</summary>
    [Benchmark]
    public object MiddlePageByCopyAndSort() =>
        _table.Snapshot().OrderBy(e => e.Key.ToString(), StringComparer.Ordinal).Skip(Entries / 2).Take(PageSize).ToList();
}
