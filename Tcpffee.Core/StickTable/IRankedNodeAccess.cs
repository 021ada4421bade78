namespace Tcpffee.StickTable;

/// <summary>Tells a <see cref="RankedTree{TNode, TAccess}"/> where a node keeps its links for that tree, and its key.</summary>
/// <remarks>A struct implementing this is a type argument, so the JIT specializes the tree and no delegate is called.</remarks>
internal interface IRankedNodeAccess<TNode>
    where TNode : class
{
    static abstract ref RankLinks<TNode> Links(TNode node);

    static abstract StickKey Key(TNode node);
}
