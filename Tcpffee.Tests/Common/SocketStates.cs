using System.Globalization;

namespace Tcpffee.Tests.Common;

/// <summary>The kernel's view of this network namespace's TCP sockets (<c>/proc/net/tcp</c>), for states a test cannot see from its own end.</summary>
internal static class SocketStates
{
    /// <summary>The state code of a socket still sending its SYN, waiting for an answer.</summary>
    private const string SynSent = "02";

    /// <summary>How many IPv4 sockets are connecting to <paramref name="port"/> and have had no answer yet.</summary>
    public static int ConnectingTo(int port)
    {
        var remote = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp")
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields[2].EndsWith(remote, StringComparison.Ordinal) && fields[3] == SynSent);
    }
}
