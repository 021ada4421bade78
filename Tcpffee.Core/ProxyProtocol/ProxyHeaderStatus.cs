namespace Tcpffee.ProxyProtocol;

/// <summary>The outcome of reading a PROXY header from the bytes received so far.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>A whole, valid header.</summary>
    Complete,

    /// <summary>A valid start; more bytes are needed.</summary>
    Incomplete,

    /// <summary>Not a PROXY header, or a malformed or oversized one.</summary>
    Invalid,
}
