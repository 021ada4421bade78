using Microsoft.Extensions.Options;

namespace Tcpffee.Cluster;

/// <summary>Refuses timings that would break the cluster: under 10 ms, or an election window that is empty.</summary>
internal sealed class ClusterTimingOptionsValidator : IValidateOptions<ClusterTimingOptions>
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(10);

    public ValidateOptionsResult Validate(string? name, ClusterTimingOptions options)
    {
        var mistakes = new List<string>();
        foreach (var (key, value) in new[]
        {
            (nameof(options.ReportInterval), options.ReportInterval),
            (nameof(options.AssignTimeout), options.AssignTimeout),
            (nameof(options.FallbackAfter), options.FallbackAfter),
            (nameof(options.LowerElectionTimeout), options.LowerElectionTimeout),
            (nameof(options.UpperElectionTimeout), options.UpperElectionTimeout),
        })
        {
            if (value < Minimum)
            {
                mistakes.Add($"{ClusterTimingOptions.Section}:{key} must be at least 10 ms, got {value}");
            }
        }

        if (options.UpperElectionTimeout <= options.LowerElectionTimeout)
        {
            mistakes.Add($"{ClusterTimingOptions.Section}:{nameof(options.UpperElectionTimeout)} ({options.UpperElectionTimeout}) must be greater than {nameof(options.LowerElectionTimeout)} ({options.LowerElectionTimeout})");
        }

        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }
}
