using System.Runtime.InteropServices;

namespace Tcpffee.Descriptors;

/// <summary>
/// Reads and raises <c>RLIMIT_NOFILE</c> through libc. Each proxied connection holds two descriptors, and many
/// distributions start services with a soft limit of 1024 under a much higher hard one, as HAProxy and nginx know:
/// both raise the soft limit to what they need at start.
/// </summary>
internal static partial class ProcessDescriptorLimit
{
    /// <summary><c>RLIMIT_NOFILE</c> on every Linux architecture .NET runs on.</summary>
    private const int LimitNoFile = 7;

    /// <summary>Raises the soft limit to the hard one; elsewhere than on Linux it does nothing and returns <see cref="DescriptorLimit.Unknown"/>.</summary>
    public static DescriptorLimit RaiseToHard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return DescriptorLimit.Unknown;
        }

        if (GetLimit(LimitNoFile, out var limit) != 0)
        {
            return DescriptorLimit.Unknown with { Error = $"getrlimit failed: errno {Marshal.GetLastPInvokeError()}" };
        }

        var before = (ulong)limit.Current;
        if (limit.Current == limit.Maximum)
        {
            return new DescriptorLimit(before, (ulong)limit.Maximum, before, null);
        }

        var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
        if (SetLimit(LimitNoFile, in raised) != 0)
        {
            return new DescriptorLimit(before, (ulong)limit.Maximum, before, $"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return new DescriptorLimit((ulong)limit.Maximum, (ulong)limit.Maximum, before, null);
    }

    /// <summary>How many descriptors the process holds now, from <c>/proc/self/fd</c>; null where that cannot be read.</summary>
    public static int? OpenCount()
    {
        try
        {
            // The enumeration itself holds one descriptor for the directory.
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in RLimit limit);

    /// <summary><c>struct rlimit</c>: two <c>rlim_t</c>, which is an unsigned long, pointer-sized on Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public nuint Current;
        public nuint Maximum;
    }
}
