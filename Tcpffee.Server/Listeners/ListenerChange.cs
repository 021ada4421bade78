namespace Tcpffee.Listeners;

/// <summary>What a reload did to the listeners: ports added and removed, or why it changed nothing.</summary>
internal sealed record ListenerChange(IReadOnlyList<int> Added, IReadOnlyList<int> Removed, IReadOnlyList<string> Errors)
{
    public bool Applied => Errors.Count == 0;
}
