using System.Net;
using Tcpffee.StickTable;

namespace Tcpffee.Tests.StickTable;

/// <summary>Builds stick keys for tests.</summary>
internal static class StickTestKeys
{
    public static StickKey Key(string address, string? slice = null) =>
        StickKey.FromAddress(IPAddress.Parse(address), slice is null ? default : System.Text.Encoding.Latin1.GetBytes(slice));

    /// <summary>A distinct IPv4 key per number, starting at 10.0.0.0.</summary>
    public static StickKey Key(int n) =>
        StickKey.FromAddress(new IPAddress([10, (byte)(n >> 16), (byte)(n >> 8), (byte)n]));
}
