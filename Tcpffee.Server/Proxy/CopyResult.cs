namespace Tcpffee.Proxy;

/// <summary>How one direction of a proxied connection ended.</summary>
internal enum CopyResult
{
    /// <summary>The source sent FIN; it was passed on and the other direction keeps running.</summary>
    Completed,

    /// <summary>The source reset the connection; the reset is passed on.</summary>
    SourceReset,

    /// <summary>Writing to the destination failed (it reset or vanished); the source is reset too.</summary>
    DestinationFailed,

    /// <summary>The connection was closed from outside: the other direction failed, idle timeout, or shutdown.</summary>
    Aborted,
}
