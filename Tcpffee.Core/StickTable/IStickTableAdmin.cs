namespace Tcpffee.StickTable;

/// <summary>
/// The inspection and admin port on the stick table, for the API, the metrics and reloads. Nothing here copies or
/// sorts the whole table: one entry is found in O(1) and a page in O(page + log n).
/// </summary>
internal interface IStickTableAdmin
{
    /// <summary>Gets the number of alive entries.</summary>
    int Count { get; }

    /// <summary>Gets how long an entry stays alive after its last activity.</summary>
    TimeSpan Expiration { get; }

    /// <summary>Gets the number of entries removed to stay under <c>stick_table_max_entries</c> (not those that expired).</summary>
    long Evictions { get; }

    /// <summary>Returns the number of alive entries pointing at <paramref name="groupId"/>, in O(1).</summary>
    int CountForGroup(int groupId);

    /// <summary>Returns the alive entry for <paramref name="key"/>, or null.</summary>
    StickEntrySnapshot? Find(StickKey key);

    /// <summary>Returns up to <paramref name="limit"/> entries in key order (<see cref="StickKey.CompareTo"/>) from rank <paramref name="offset"/>.</summary>
    /// <param name="groupId">Only entries of this group, when set.</param>
    /// <param name="offset">How many entries of the ordered list to skip.</param>
    /// <param name="limit">The largest number of entries to return.</param>
    StickEntryPage Page(int? groupId, int offset, int limit);

    /// <summary>An operator's removal: forgets the entry unless connections with it are open; a replicated table waits for the commit.</summary>
    ValueTask<StickForgetResult> ForgetAsync(StickKey key);

    /// <summary>Applies a reload's settings; shrinking the bound evicts idle entries, longest idle first.</summary>
    void Configure(TimeSpan expiration, int maxEntries);
}
