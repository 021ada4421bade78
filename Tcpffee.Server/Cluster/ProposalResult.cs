namespace Tcpffee.Cluster;

/// <summary>What the leader answered: the status, the command's result, and the log index it was committed at.</summary>
internal readonly record struct ProposalResult(ProposalStatus Status, int Value, long Index)
{
    public static ProposalResult Retry { get; } = new(ProposalStatus.Retry, 0, 0);

    public static ProposalResult Rejected { get; } = new(ProposalStatus.Rejected, 0, 0);
}
