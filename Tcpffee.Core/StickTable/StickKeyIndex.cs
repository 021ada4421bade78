namespace Tcpffee.StickTable;

/// <summary>
/// A table's two key indexes: every entry by key, and each group's entries by key. They give the per-group counts in
/// O(1), and a page in key order, overall or of one group, in O(page + log n).
/// </summary>
/// <remarks>The owning table serializes access, and calls <see cref="Leave"/> before changing a node's group, <see cref="Join"/> after.</remarks>
internal sealed class StickKeyIndex<TNode, TByKey, TInGroup>(Func<TNode, int> groupOf)
    where TNode : class
    where TByKey : struct, IRankedNodeAccess<TNode>
    where TInGroup : struct, IRankedNodeAccess<TNode>
{
    private readonly RankedTree<TNode, TByKey> _ordered = new();
    private readonly Dictionary<int, RankedTree<TNode, TInGroup>> _groups = [];

    public int CountForGroup(int groupId) => _groups.TryGetValue(groupId, out var group) ? group.Count : 0;

    public void Add(TNode node)
    {
        _ordered.Add(node);
        Join(node);
    }

    public void Remove(TNode node)
    {
        _ordered.Remove(node);
        Leave(node);
    }

    public void Clear()
    {
        _ordered.Clear();
        _groups.Clear();
    }

    /// <summary>Puts a node in the index of its current group.</summary>
    public void Join(TNode node)
    {
        int groupId = groupOf(node);
        if (!_groups.TryGetValue(groupId, out var group))
        {
            _groups[groupId] = group = new();
        }

        group.Add(node);
    }

    /// <summary>Takes a node out of the index of its current group.</summary>
    public void Leave(TNode node)
    {
        int groupId = groupOf(node);
        var group = _groups[groupId];
        group.Remove(node);
        if (group.Count == 0)
        {
            _groups.Remove(groupId);
        }
    }

    /// <summary>Appends up to <paramref name="limit"/> nodes in key order from rank <paramref name="offset"/> and returns how many the list holds.</summary>
    /// <param name="groupId">Only nodes of this group, when set.</param>
    /// <param name="offset">How many nodes of the ordered list to skip.</param>
    /// <param name="limit">The largest number of nodes to append.</param>
    /// <param name="into">Where the page goes.</param>
    public int Page(int? groupId, int offset, int limit, List<TNode> into)
    {
        if (groupId is not { } id)
        {
            _ordered.CopyRange(offset, limit, into);
            return _ordered.Count;
        }

        if (!_groups.TryGetValue(id, out var group))
        {
            return 0;
        }

        group.CopyRange(offset, limit, into);
        return group.Count;
    }
}
