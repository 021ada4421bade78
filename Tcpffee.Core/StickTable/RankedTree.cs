namespace Tcpffee.StickTable;

/// <summary>
/// Nodes ordered by key, with each subtree's size, so the n-th node and a key's rank are found in O(log n): the index
/// behind a page of the stick table without sorting it on each request.
/// </summary>
/// <remarks>
/// A treap whose priority is the key's hash. <see cref="StickKey"/> hashes with a per-process seed, so a client
/// choosing addresses or slices cannot unbalance it. The caller serializes access (the owning table's lock), adds a
/// node at most once and removes only nodes it added.
/// </remarks>
internal sealed class RankedTree<TNode, TAccess>
    where TNode : class
    where TAccess : struct, IRankedNodeAccess<TNode>
{
    private TNode? _root;

    /// <summary>Gets the number of nodes, in O(1).</summary>
    public int Count => SizeOf(_root);

    public void Add(TNode node)
    {
        ref var links = ref TAccess.Links(node);
        links = new RankLinks<TNode> { Size = 1 };
        Insert(ref _root, node);
    }

    public void Remove(TNode node)
    {
        Delete(ref _root, TAccess.Key(node));
        TAccess.Links(node) = default;
    }

    public void Clear() => _root = null;

    /// <summary>Returns how many nodes have a key ordered before <paramref name="key"/>.</summary>
    public int CountBefore(StickKey key)
    {
        int rank = 0;
        var node = _root;
        while (node is not null)
        {
            ref var links = ref TAccess.Links(node);
            int order = key.CompareTo(TAccess.Key(node));
            if (order <= 0)
            {
                node = links.Left;
            }
            else
            {
                rank += SizeOf(links.Left) + 1;
                node = links.Right;
            }
        }

        return rank;
    }

    /// <summary>Appends up to <paramref name="count"/> nodes in key order, starting at the one of rank <paramref name="start"/>.</summary>
    /// <remarks>O(log n + count): the walk down keeps, on a stack, the ancestors that come after the start node.</remarks>
    public void CopyRange(int start, int count, List<TNode> into)
    {
        if (start < 0 || count <= 0 || start >= Count)
        {
            return;
        }

        var after = new Stack<TNode>();
        var node = _root;
        int rank = start;
        while (node is not null)
        {
            ref var links = ref TAccess.Links(node);
            int left = SizeOf(links.Left);
            if (rank < left)
            {
                after.Push(node);
                node = links.Left;
            }
            else if (rank == left)
            {
                after.Push(node);
                break;
            }
            else
            {
                rank -= left + 1;
                node = links.Right;
            }
        }

        while (count-- > 0 && after.TryPop(out var next))
        {
            into.Add(next);
            for (var child = TAccess.Links(next).Right; child is not null; child = TAccess.Links(child).Left)
            {
                after.Push(child);
            }
        }
    }

    private static int SizeOf(TNode? node) => node is null ? 0 : TAccess.Links(node).Size;

    private static int Priority(TNode node) => TAccess.Key(node).GetHashCode();

    private static void Update(TNode node)
    {
        ref var links = ref TAccess.Links(node);
        links.Size = SizeOf(links.Left) + SizeOf(links.Right) + 1;
    }

    private static void Insert(ref TNode? subtree, TNode node)
    {
        if (subtree is null)
        {
            subtree = node;
            return;
        }

        if (Priority(node) > Priority(subtree))
        {
            ref var links = ref TAccess.Links(node);
            Split(subtree, TAccess.Key(node), out links.Left, out links.Right);
            subtree = node;
        }
        else if (TAccess.Key(node).CompareTo(TAccess.Key(subtree)) < 0)
        {
            Insert(ref TAccess.Links(subtree).Left, node);
        }
        else
        {
            Insert(ref TAccess.Links(subtree).Right, node);
        }

        Update(subtree);
    }

    private static void Delete(ref TNode? subtree, StickKey key)
    {
        if (subtree is null)
        {
            return;
        }

        ref var links = ref TAccess.Links(subtree);
        int order = key.CompareTo(TAccess.Key(subtree));
        if (order == 0)
        {
            subtree = Merge(links.Left, links.Right);
            return;
        }

        Delete(ref order < 0 ? ref links.Left : ref links.Right, key);
        Update(subtree);
    }

    /// <summary>Splits a subtree into the nodes ordered before <paramref name="key"/> and those after it.</summary>
    private static void Split(TNode? subtree, StickKey key, out TNode? before, out TNode? after)
    {
        if (subtree is null)
        {
            before = after = null;
            return;
        }

        ref var links = ref TAccess.Links(subtree);
        if (key.CompareTo(TAccess.Key(subtree)) > 0)
        {
            Split(links.Right, key, out links.Right, out after);
            before = subtree;
        }
        else
        {
            Split(links.Left, key, out before, out links.Left);
            after = subtree;
        }

        Update(subtree);
    }

    /// <summary>Joins two subtrees where every key of <paramref name="before"/> is ordered before those of <paramref name="after"/>.</summary>
    private static TNode? Merge(TNode? before, TNode? after)
    {
        if (before is null || after is null)
        {
            return before ?? after;
        }

        if (Priority(before) > Priority(after))
        {
            ref var links = ref TAccess.Links(before);
            links.Right = Merge(links.Right, after);
            Update(before);
            return before;
        }
        else
        {
            ref var links = ref TAccess.Links(after);
            links.Left = Merge(before, links.Left);
            Update(after);
            return after;
        }
    }
}
