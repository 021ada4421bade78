using System.Collections.Concurrent;
using Tcpffee.Configuration;

namespace Tcpffee.Model;

/// <summary>The live <see cref="GroupState"/> of every group id ever configured, so state survives a reload.</summary>
internal sealed class GroupStateRegistry
{
    private readonly ConcurrentDictionary<int, GroupState> _states = new();

    public GroupState Get(int groupId) => _states.GetOrAdd(groupId, static id => new GroupState(id));

    /// <summary>Applies the configured status of every group in <paramref name="config"/>.</summary>
    public void Apply(TcpffeeConfig config)
    {
        foreach (var group in config.Groups)
        {
            Get(group.Id).ApplyConfig(group);
        }
    }
}
