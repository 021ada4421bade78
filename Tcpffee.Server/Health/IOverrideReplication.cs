using Tcpffee.Model;

namespace Tcpffee.Health;

/// <summary>
/// The operators' group overrides as the proxies share them: committed once, applied by every proxy. Absent on a
/// single node, where an override set here is the only one.
/// </summary>
internal interface IOverrideReplication
{
    /// <summary>Raised when the committed overrides may have changed.</summary>
    event Action? Changed;

    /// <summary>The committed runtime overrides, by group.</summary>
    IReadOnlyDictionary<int, GroupStatus> Committed();

    /// <summary>Commits an operator's override (Up clears it); false when the majority is out of reach.</summary>
    Task<bool> CommitAsync(int groupId, GroupStatus status, CancellationToken cancellation);
}
