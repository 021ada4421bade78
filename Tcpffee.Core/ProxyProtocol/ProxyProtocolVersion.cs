namespace Tcpffee.ProxyProtocol;

/// <summary>The two versions of HAProxy's PROXY protocol: v1 is one text line, v2 a binary header.</summary>
internal enum ProxyProtocolVersion
{
    V1 = 1,
    V2 = 2,
}
