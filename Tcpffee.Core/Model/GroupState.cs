using Tcpffee.Configuration;

namespace Tcpffee.Model;

/// <summary>
/// The mutable runtime state of one group, kept across reloads: the status each source asks for, and its open connections.
/// Routing reads only <see cref="Effective"/>, the most severe of the sources.
/// </summary>
internal sealed class GroupState
{
    private int _configured;
    private int _health;
    private int _admin;
    private int _passive;
    private long _openConnections;
    private long _totalConnections;
    private long _bytesUp;
    private long _bytesDown;

    public GroupState(int id)
    {
        Id = id;
    }

    public int Id { get; }

    /// <summary>The status from the configuration file: <c>disabled</c> over <c>drain</c> over up.</summary>
    public GroupStatus Configured => (GroupStatus)Volatile.Read(ref _configured);

    /// <summary>The status the health checks ask for (the fall action of a failing check).</summary>
    public GroupStatus Health => (GroupStatus)Volatile.Read(ref _health);

    /// <summary>The status an operator set at runtime through the API.</summary>
    public GroupStatus Admin => (GroupStatus)Volatile.Read(ref _admin);

    /// <summary>The status live traffic asks for: Draining after <c>passive_fall</c> consecutive connect failures.</summary>
    public GroupStatus Passive => (GroupStatus)Volatile.Read(ref _passive);

    public GroupStatus Effective => (GroupStatus)Math.Max(
        Math.Max(Volatile.Read(ref _configured), Volatile.Read(ref _passive)), Math.Max(Volatile.Read(ref _health), Volatile.Read(ref _admin)));

    public long OpenConnections => Interlocked.Read(ref _openConnections);

    public void ApplyConfig(GroupConfig config) =>
        Volatile.Write(ref _configured, (int)(config.Disabled ? GroupStatus.Disabled : config.Drain ? GroupStatus.Draining : GroupStatus.Up));

    public void SetHealth(GroupStatus status) => Volatile.Write(ref _health, (int)status);

    public void SetAdmin(GroupStatus status) => Volatile.Write(ref _admin, (int)status);

    public void SetPassive(GroupStatus status) => Volatile.Write(ref _passive, (int)status);

    /// <summary>Connections ever forwarded to this group.</summary>
    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    /// <summary>Bytes from clients to this group's backends, counted when each connection closes.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    /// <summary>Bytes from this group's backends to clients, counted when each connection closes.</summary>
    public long BytesDown => Interlocked.Read(ref _bytesDown);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _openConnections);
        Interlocked.Increment(ref _totalConnections);
    }

    public void ConnectionClosed(long bytesUp, long bytesDown)
    {
        Interlocked.Decrement(ref _openConnections);
        Interlocked.Add(ref _bytesUp, bytesUp);
        Interlocked.Add(ref _bytesDown, bytesDown);
    }
}
