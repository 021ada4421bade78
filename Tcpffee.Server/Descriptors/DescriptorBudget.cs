namespace Tcpffee.Descriptors;

/// <summary>
/// Whether <c>max_connections</c> fits the descriptor limit: each proxied connection holds two (the client's and the
/// backend's), on top of what the process holds at start, the reserve, and a margin for the API, health probes and saves.
/// </summary>
internal static class DescriptorBudget
{
    /// <summary>
    /// Descriptors kept for everything that is not a proxied connection and opens while running: the API, health probes,
    /// saves, and the assemblies the runtime loads on their first use (two descriptors each; tens of them in the first
    /// minutes, since they are not loaded ahead).
    /// </summary>
    public const int Margin = 256;

    /// <summary>The descriptors <paramref name="maxConnections"/> would need with <paramref name="openAtStart"/> already open.</summary>
    public static ulong Needed(int maxConnections, int openAtStart) =>
        (2UL * (ulong)maxConnections) + (ulong)openAtStart + DescriptorReserve.Size + Margin;

    /// <summary>True when the limit is known and too low for <paramref name="maxConnections"/>.</summary>
    public static bool FallsShort(DescriptorLimit limit, int maxConnections, int openAtStart) =>
        limit.Soft is { } soft && Needed(maxConnections, openAtStart) > soft;
}
