using System.Collections.Concurrent;

namespace Tcpffee.Utilities;

/// <summary>Counters kept in a <see cref="ConcurrentDictionary{TKey, TValue}"/> that hold an entry only while above zero.</summary>
internal static class ConcurrentCounts
{
    /// <summary>Counts one down; the entry goes with its last count.</summary>
    /// <remarks>Removing only "key at 1" (not "key") keeps a concurrent increment from being lost.</remarks>
    public static void Decrement<TKey>(this ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        while (counts.TryGetValue(key, out var count))
        {
            if (count <= 1 ? counts.TryRemove(new KeyValuePair<TKey, int>(key, count)) : counts.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }
}
