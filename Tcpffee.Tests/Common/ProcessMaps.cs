namespace Tcpffee.Tests.Common;

/// <summary>What a process has mapped, read from <c>/proc/PID/maps</c>: the runtime maps every assembly it loads.</summary>
internal static class ProcessMaps
{
    /// <summary>The file names of the assemblies process <paramref name="pid"/> has mapped.</summary>
    public static HashSet<string> Assemblies(int pid) =>
        File.ReadLines($"/proc/{pid}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].EndsWith(".dll", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f[5]))
            .ToHashSet(StringComparer.Ordinal);
}
