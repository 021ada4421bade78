namespace Tcpffee.Cluster;

/// <summary>The stick table's replicated commands; the value is the Raft entry's command id.</summary>
internal enum StickCommandKind
{
    /// <summary>Give a key a group unless it has an alive entry (one connection counts as activity).</summary>
    Assign = 1,

    /// <summary>A batch of keys that were active on one proxy during the last report interval.</summary>
    Touch = 2,

    /// <summary>An operator forgets one key.</summary>
    Forget = 3,

    /// <summary>The leader's clock says entries idle longer than the expiration are gone, and the table is trimmed to its bound.</summary>
    Expire = 4,
}
