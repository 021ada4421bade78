namespace Tcpffee.Configuration;

/// <summary>How a client's stick key is built (<c>TCPFFEE_KEY_TYPE</c>).</summary>
internal enum KeyType
{
    /// <summary>The client's IP address.</summary>
    Ip,

    /// <summary>The client's IP address plus a slice of the first bytes it sends.</summary>
    IpWithFirstMessageSlice,
}
