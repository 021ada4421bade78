namespace Tcpffee.Tests.Common;

/// <summary>
/// Tests whose pass or fail depends on sub-second timing (idle timeouts, shutdown grace periods). xunit runs this
/// collection alone, after the parallel ones, so a CPU-bound test next door cannot stall them past their timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive, run alone";
}
