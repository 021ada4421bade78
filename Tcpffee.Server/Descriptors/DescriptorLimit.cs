namespace Tcpffee.Descriptors;

/// <summary>The process's open-file limit after start raised it: the soft limit in force, the hard ceiling, and the soft limit found.</summary>
/// <param name="Soft">Descriptors the process may hold now; null where the platform has no such limit.</param>
/// <param name="Hard">The ceiling the soft limit can be raised to without privileges.</param>
/// <param name="Before">The soft limit before start raised it.</param>
/// <param name="Error">Why the limit could not be read or raised, if it could not.</param>
internal sealed record DescriptorLimit(ulong? Soft, ulong? Hard, ulong? Before, string? Error)
{
    public static DescriptorLimit Unknown { get; } = new(null, null, null, null);

    public bool Raised => Soft is { } soft && Before is { } before && soft > before;
}
