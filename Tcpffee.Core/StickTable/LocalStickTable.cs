namespace Tcpffee.StickTable;

/// <summary>In-process stick table guarded by a single lock, with O(1) expiry and eviction through an ordered idle list.</summary>
/// <remarks>
/// Every operation first drops the entries that have expired by now (popping the idle list's head), so counts are
/// exact and no operation ever sees an expired entry; the periodic sweep only reclaims memory when the table is quiet.
/// </remarks>
internal sealed partial class LocalStickTable : IStickLeases, IStickTableAdmin
{
    /// <summary>The longest expiration accepted, keeping timestamp arithmetic far from overflow.</summary>
    public static readonly TimeSpan MaxExpiration = TimeSpan.FromDays(365);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly HashSet<StickEntry> _entries = new(StickEntryComparer.Instance);
    private readonly HashSet<StickEntry>.AlternateLookup<StickKey> _byKey;
    private readonly StickKeyIndex<StickEntry, StickEntryByKey, StickEntryInGroup> _index = new(static entry => entry.GroupId);
    private readonly Action<StickKey> _release;
    private readonly Action<StickKey> _abandon;
    private readonly StickIdleList _idle = new();
    private TimeSpan _expiration;
    private long _expirationTimestamp;
    private int _maxEntries;
    private long _evictions;

    public LocalStickTable(TimeSpan expiration, int maxEntries, TimeProvider? timeProvider = null)
    {
        ValidateSettings(expiration, maxEntries);
        _time = timeProvider ?? TimeProvider.System;
        _byKey = _entries.GetAlternateLookup<StickKey>();
        _expiration = expiration;
        _expirationTimestamp = ToTimestampUnits(expiration);
        _maxEntries = maxEntries;
        _release = Release;
        _abandon = Abandon;
    }

    /// <summary>Gets how long an entry stays alive after its last connection closes.</summary>
    public TimeSpan Expiration
    {
        get
        {
            lock (_lock)
            {
                return _expiration;
            }
        }
    }

    /// <summary>Gets the bound on the number of entries.</summary>
    public int MaxEntries
    {
        get
        {
            lock (_lock)
            {
                return _maxEntries;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                DropExpired(_time.GetTimestamp());
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the number of entries held in memory, including expired ones not yet dropped.</summary>
    public int StoredCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Entries removed to make room under <c>stick_table_max_entries</c> (not those that expired).</summary>
    public long Evictions
    {
        get
        {
            lock (_lock)
            {
                return _evictions;
            }
        }
    }

    public int CountForGroup(int groupId)
    {
        lock (_lock)
        {
            DropExpired(_time.GetTimestamp());
            return _index.CountForGroup(groupId);
        }
    }

    public void Configure(TimeSpan expiration, int maxEntries)
    {
        ValidateSettings(expiration, maxEntries);
        lock (_lock)
        {
            _expiration = expiration;
            _expirationTimestamp = ToTimestampUnits(expiration);
            _maxEntries = maxEntries;
            DropExpired(_time.GetTimestamp());
            TrimToBound();
        }
    }

    private static void ValidateSettings(TimeSpan expiration, int maxEntries)
    {
        if (expiration < TimeSpan.Zero || expiration > MaxExpiration)
        {
            throw new ArgumentOutOfRangeException(nameof(expiration), expiration, $"Must be between zero and {MaxExpiration}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
    }

    private static void ThrowIfDefault(StickKey key)
    {
        if (key.IsDefault)
        {
            throw new ArgumentException("default(StickKey) is not a key.", nameof(key));
        }
    }

    private long ToTimestampUnits(TimeSpan duration) =>
        (long)((Int128)duration.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private void AddEntry(StickEntry entry)
    {
        _entries.Add(entry);
        _index.Add(entry);
    }
}
