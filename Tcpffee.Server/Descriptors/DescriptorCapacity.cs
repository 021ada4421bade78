namespace Tcpffee.Descriptors;

/// <summary>
/// How many proxied connections the descriptor limit leaves room for: two descriptors each, after what the process
/// held at start, the reserve and a margin. The proxied ports stop accepting there, as HAProxy derives its
/// <c>maxconn</c> from the limit, so that the process itself never runs out; clients wait in the kernel's queue.
/// </summary>
/// <param name="Connections">The bound, or null when the limit is unknown (not Linux).</param>
internal sealed record DescriptorCapacity(int? Connections)
{
    public static DescriptorCapacity For(DescriptorLimit limit, int openAtStart)
    {
        if (limit.Soft is not { } soft)
        {
            return new DescriptorCapacity(Connections: null);
        }

        var spare = (long)Math.Min(soft, int.MaxValue) - openAtStart - DescriptorReserve.Size - DescriptorBudget.Margin;
        return new DescriptorCapacity((int)Math.Max(0, spare / 2));
    }
}
