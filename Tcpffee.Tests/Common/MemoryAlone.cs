namespace Tcpffee.Tests.Common;

/// <summary>
/// Tests that weigh what a structure keeps alive with <c>GC.GetTotalMemory</c>, which counts the whole process: xunit
/// runs this collection alone, after the parallel ones, so that no other test's objects are weighed with it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryAlone
{
    public const string Name = "Memory measurements, alone in the process";
}
