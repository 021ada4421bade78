namespace Tcpffee.Proxy;

/// <summary>How a proxied connection ended, for the per-connection log line and metrics.</summary>
internal enum ConnectionOutcome
{
    /// <summary>Both sides closed cleanly.</summary>
    Closed,

    /// <summary>The client reset the connection.</summary>
    ClientReset,

    /// <summary>The backend reset the connection.</summary>
    BackendReset,

    /// <summary>Closed by the proxy: idle timeout, shutdown, or the other side failing.</summary>
    Aborted,

    /// <summary>No group is up on this port.</summary>
    NoEligibleGroup,

    /// <summary>The backend could not be reached within connect_timeout.</summary>
    ConnectFailed,

    /// <summary>The client went away before a backend was chosen.</summary>
    ClientGone,

    /// <summary>With <c>accept_proxy</c>: the PROXY header was missing, malformed, oversized or late.</summary>
    ProxyHeaderInvalid,

    /// <summary>With <c>accept_proxy</c>: the client is not in <c>accept_proxy_from</c>, so its header cannot be trusted.</summary>
    ProxyHeaderUntrusted,

    /// <summary>The client's address already had <c>max_connections_per_client</c> connections open.</summary>
    ClientLimit,

    /// <summary>With <c>transparent</c>: the backend socket could not take the client's address.</summary>
    TransparentFailed,
}
