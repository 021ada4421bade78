namespace Tcpffee.StickTable;

/// <summary>Intrusive doubly-linked list of idle entries ordered by release time, longest idle at the head.</summary>
/// <remarks>All entries share one expiration, so the head is both the next to expire and the first to evict.</remarks>
internal sealed class StickIdleList
{
    private StickEntry? _tail;

    public StickEntry? Head { get; private set; }

    public void AddLast(StickEntry entry)
    {
        entry.Previous = _tail;
        entry.Next = null;
        if (_tail is null)
        {
            Head = entry;
        }
        else
        {
            _tail.Next = entry;
        }

        _tail = entry;
    }

    /// <summary>Inserts by <see cref="StickEntry.IdleSince"/>, scanning from the tail, so ascending inserts cost O(1).</summary>
    public void InsertOrdered(StickEntry entry)
    {
        StickEntry? before = _tail;
        while (before is not null && before.IdleSince > entry.IdleSince)
        {
            before = before.Previous;
        }

        if (before is null)
        {
            entry.Previous = null;
            entry.Next = Head;
            if (Head is null)
            {
                _tail = entry;
            }
            else
            {
                Head.Previous = entry;
            }

            Head = entry;
            return;
        }

        entry.Previous = before;
        entry.Next = before.Next;
        if (before.Next is null)
        {
            _tail = entry;
        }
        else
        {
            before.Next.Previous = entry;
        }

        before.Next = entry;
    }

    public void Remove(StickEntry entry)
    {
        if (entry.Previous is null)
        {
            Head = entry.Next;
        }
        else
        {
            entry.Previous.Next = entry.Next;
        }

        if (entry.Next is null)
        {
            _tail = entry.Previous;
        }
        else
        {
            entry.Next.Previous = entry.Previous;
        }

        entry.Previous = null;
        entry.Next = null;
    }
}
