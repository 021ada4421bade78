using Tcpffee.Configuration;

namespace Tcpffee.Model;

/// <summary>Points at the current <see cref="RoutingModel"/>; a reload swaps the reference, never edits the model.</summary>
internal sealed class RoutingState
{
    private volatile RoutingModel _current;

    public RoutingState(TcpffeeConfig config, GroupStateRegistry groups)
    {
        Groups = groups;
        groups.Apply(config);
        _current = new RoutingModel(config, groups);
    }

    public GroupStateRegistry Groups { get; }

    public RoutingModel Current => _current;

    /// <summary>Builds the model for <paramref name="config"/> and makes it current; returns the previous one.</summary>
    public RoutingModel Swap(TcpffeeConfig config)
    {
        Groups.Apply(config);
        var next = new RoutingModel(config, Groups);
        return Interlocked.Exchange(ref _current, next);
    }
}
