using Microsoft.Extensions.Time.Testing;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.StickTable;

/// <summary>A fake clock and a table on it, the common fixture of the stick table tests.</summary>
internal sealed class StickTableTestClock
{
    public static readonly TimeSpan Expiration = TimeSpan.FromMinutes(30);

    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public LocalStickTable NewTable(int maxEntries = 1000, TimeSpan? expiration = null) =>
        new(expiration ?? Expiration, maxEntries, Time);
}
