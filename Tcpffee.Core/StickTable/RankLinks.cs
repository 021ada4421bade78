namespace Tcpffee.StickTable;

/// <summary>A node's place in one <see cref="RankedTree{TNode, TAccess}"/>: its children and the size of its subtree.</summary>
/// <remarks>Held inside the node rather than in a tree node of its own, so an index costs no object per entry.</remarks>
internal struct RankLinks<TNode>
    where TNode : class
{
    public TNode? Left;
    public TNode? Right;
    public int Size;
}
