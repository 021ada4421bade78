namespace Tcpffee.Tests.Common;

/// <summary>How the receiving side of a connection ended.</summary>
internal enum StreamEnd
{
    /// <summary>The peer sent FIN: a read returned 0.</summary>
    Eof,

    /// <summary>The peer reset the connection: a read failed with ConnectionReset.</summary>
    Reset,
}
