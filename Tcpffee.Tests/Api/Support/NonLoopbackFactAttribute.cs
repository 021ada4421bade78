using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Tcpffee.Tests.Api.Support;

/// <summary>
/// A fact that needs an IPv4 address of this machine that is not loopback (to be a non-loopback client of the stats
/// endpoint). When the machine has none, the test is reported as skipped with that reason rather than passing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NonLoopbackFactAttribute : FactAttribute
{
    public NonLoopbackFactAttribute()
    {
        if (Address is null)
        {
            Skip = "this machine has no non-loopback IPv4 address that is up, so no client can be non-loopback";
        }
    }

    /// <summary>The first usable non-loopback IPv4 address, or null.</summary>
    public static IPAddress? Address { get; } = Find();

    private static IPAddress? Find()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && CanBind(a));
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }

    private static bool CanBind(IPAddress address)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
