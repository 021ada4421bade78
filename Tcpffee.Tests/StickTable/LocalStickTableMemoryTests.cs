using System.Net;
using Tcpffee.StickTable;
using Tcpffee.Tests.Common;
using Xunit.Abstractions;

namespace Tcpffee.Tests.StickTable;

/// <summary>Measures the memory cost of a large table.</summary>
[Collection(MemoryAlone.Name)]
public sealed class LocalStickTableMemoryTests(ITestOutputHelper output)
{
    private const int Entries = 1_000_000;

    // Measured about 172 bytes per IPv4 entry (.NET 10, x64): 124 for the entry, its key and the hash set, and 48 for
    // its links in the two key indexes that serve the API's pages. The bound leaves about 15 % for runtime variation.
    private const double MaxBytesPerEntry = 200;

    [Fact]
    [Trait("Category", "Memory")]
    public void Assign_MillionIPv4Keys_StaysUnderBytesPerEntryBound()
    {
        var table = new LocalStickTable(TimeSpan.FromMinutes(30), Entries, TimeProvider.System);
        Span<byte> address = stackalloc byte[4];
        long before = GC.GetTotalMemory(forceFullCollection: true);

        for (int i = 0; i < Entries; i++)
        {
            address[0] = 10;
            address[1] = (byte)(i >> 16);
            address[2] = (byte)(i >> 8);
            address[3] = (byte)i;
            table.Assign(StickKey.FromAddress(new IPAddress(address)), i & 15);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(table);
        double bytesPerEntry = (after - before) / (double)Entries;
        output.WriteLine($"{Entries:N0} entries: {bytesPerEntry:F1} bytes per entry ({(after - before) / 1048576.0:F1} MiB)");

        Assert.Equal(Entries, table.Count);
        Assert.InRange(bytesPerEntry, 1, MaxBytesPerEntry);
    }
}
