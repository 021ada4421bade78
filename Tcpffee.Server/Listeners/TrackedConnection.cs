using Microsoft.AspNetCore.Connections;

namespace Tcpffee.Listeners;

/// <summary>A client connection the proxy accepted: what the tracker needs to time it out, count it and close it.</summary>
internal sealed class TrackedConnection
{
    private long _lastActivity;

    public TrackedConnection(ConnectionContext context, PortListener listener, long now)
    {
        Context = context;
        Listener = listener;
        _lastActivity = now;
    }

    public ConnectionContext Context { get; }

    public PortListener Listener { get; }

    /// <summary>Monotonic timestamp of the last byte moved either way.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Called on every read in either direction; a plain store, so it costs nothing on the data path.</summary>
    public void MarkActive(long now) => Volatile.Write(ref _lastActivity, now);
}
