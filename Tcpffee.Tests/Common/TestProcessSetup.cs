using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tcpffee.Tests.Common;

/// <summary>Settings the whole test process needs before any test runs, whichever subset <c>dotnet test --filter</c> picks.</summary>
internal static class TestProcessSetup
{
    /// <summary>
    /// In-process hosts run on the test host's thread pool, and the test platform keeps two of its threads blocked
    /// (VSTest's message loop polls a socket, xunit waits for the assembly). On two cores that is the whole minimum, so
    /// a fresh test process stalls for up to a second until the pool grows: long enough to trip an idle timeout. A
    /// production process has no such neighbours.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly is loaded only by the test host, and every test needs this before it starts.")]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount + 8), completions);
    }
}
