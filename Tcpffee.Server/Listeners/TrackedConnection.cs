using Microsoft.AspNetCore.Connections;
using Tcpffee.Proxy;

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

    /// <summary>The copy running for this connection once a backend is connected; it closes both sides on abort.</summary>
    public ProxySession? Session { get; set; }

    /// <summary>Closes the connection (and its backend, once connected): idle timeout, shutdown, max time exceeded.</summary>
    public void Abort(string reason)
    {
        // The copy reads the sockets directly and watches no token (Kestrel's ConnectionClosed would also fire on a
        // client's FIN, which must not stop it); the tracker tells the session directly.
        if (Session is { } session)
        {
            session.Abort();
        }
        else
        {
            Context.Abort(new ConnectionAbortedException(reason));
        }
    }

    /// <summary>Called on every read in either direction; a plain store, so it costs nothing on the data path.</summary>
    public void MarkActive(long now) => Volatile.Write(ref _lastActivity, now);
}
