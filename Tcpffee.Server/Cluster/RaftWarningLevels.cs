namespace Tcpffee.Cluster;

/// <summary>
/// The level at which a warning of dotNext, or of a Raft group's own Kestrel, is written. Two kinds belong to a healthy
/// cluster's life and are written as information: every warning while the group is starting (the proxies start at
/// different moments, so until the group has formed, votes time out and connections are refused; see
/// <see cref="RaftGroup.IsStarting"/>), and a leader's retry of a follower's replication from an earlier entry (Raft's
/// log matching, after every election).
/// </summary>
internal sealed class RaftWarningLevels(Func<bool> starting)
{
    /// <summary>dotNext's template for the retry (DotNext.Net.Cluster 6.12).</summary>
    internal const string ReplicationRetry = "Replication of {Member} is failed. Retry replication from entry {EntryIndex}";

    public LogLevel Of<TState>(LogLevel level, TState state)
    {
        if (level != LogLevel.Warning)
        {
            return level;
        }

        return starting() || TemplateOf(state) == ReplicationRetry ? LogLevel.Information : level;
    }

    private static string? TemplateOf<TState>(TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (name, value) in values)
            {
                if (name == "{OriginalFormat}")
                {
                    return value as string;
                }
            }
        }

        return null;
    }
}
