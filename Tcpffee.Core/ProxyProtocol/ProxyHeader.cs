using System.Net;

namespace Tcpffee.ProxyProtocol;

/// <summary>
/// What a PROXY protocol header says: the original client and the address it connected to, or nothing
/// (<c>UNKNOWN</c> in v1; in v2 <c>LOCAL</c>, or a defined family and transport other than TCP over IPv4 or IPv6), in which case the connection's own addresses apply.
/// </summary>
internal sealed record ProxyHeader(IPEndPoint? Source, IPEndPoint? Destination)
{
    public static readonly ProxyHeader Unknown = new(null, null);
}
