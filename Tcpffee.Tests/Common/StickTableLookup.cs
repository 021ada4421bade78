using Tcpffee.StickTable;

namespace Tcpffee.Tests;

/// <summary>The group lookup tests read a table with; production code reads whole entries through <see cref="IStickTableAdmin.Find"/>.</summary>
internal static class StickTableLookup
{
    /// <summary>Returns the group of the alive entry for <paramref name="key"/>, without side effects.</summary>
    public static int? Lookup(this IStickTableAdmin table, StickKey key) => table.Find(key)?.GroupId;
}
