namespace Tcpffee.Cluster;

/// <summary>The leader's answer to one proposal.</summary>
internal enum ProposalStatus : byte
{
    /// <summary>Committed and applied on the leader; the value is the command's result.</summary>
    Committed = 0,

    /// <summary>No leader could take it now (an election, or the leader changed); try again.</summary>
    Retry = 1,

    /// <summary>The command was malformed; trying again will not help.</summary>
    Rejected = 2,
}
