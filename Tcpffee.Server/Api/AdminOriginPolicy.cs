using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Primitives;
using Tcpffee.Configuration;

namespace Tcpffee.Api;

/// <summary>
/// Keeps web pages off the admin routes: a browser sends a cross-site form or fetch with the victim's network position,
/// and a DNS-rebound name reaches loopback with a foreign <c>Host</c>. A request is taken only when its <c>Host</c> names
/// the stats socket (an address it is bound to, or <c>localhost</c>, with its port) and its <c>Origin</c>, if any, is
/// the stats socket's own <c>http://host:port</c>. Requests without <c>Origin</c> (curl, scripts) are not browsers' and pass.
/// </summary>
internal sealed class AdminOriginPolicy
{
    private const int DefaultHttpPort = 80;

    private readonly IPAddress _bound;
    private readonly bool _wildcard;

    public AdminOriginPolicy(TcpffeeConfig config)
    {
        _bound = Plain(config.StatsBindSocket.Address);
        _wildcard = _bound.Equals(IPAddress.Any) || _bound.Equals(IPAddress.IPv6Any);
    }

    /// <summary>Why <paramref name="http"/> must be refused, or null when its Host and Origin are the stats socket's own.</summary>
    public string? Refusal(HttpContext http)
    {
        // The port the request arrived on is the one the stats socket is bound to, even when 0 was configured.
        var port = http.Connection.LocalPort;
        var host = http.Request.Host;
        if (!host.HasValue || !IsOwn(host.Host, host.Port, port, http.Connection.LocalIpAddress))
        {
            return $"Host '{host.Value}' is not the stats socket: admin routes take only an address the stats socket is bound to, or localhost, with port {port}.";
        }

        var origin = http.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin))
        {
            return null;
        }

        return origin.Count == 1
            && Uri.TryCreate(origin[0], UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && uri.AbsolutePath == "/"
            && IsOwn(uri.Host, uri.IsDefaultPort ? null : uri.Port, port, http.Connection.LocalIpAddress)
            ? null
            : $"Origin '{origin}' is not the stats socket's own (http://host:{port}): admin routes refuse requests from other web pages.";
    }

    private bool IsOwn(string host, int? givenPort, int port, IPAddress? arrivedAt)
    {
        if ((givenPort ?? DefaultHttpPort) != port)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            // A name is this machine's only for a wildcard bind: a specific bind is reached by its address.
            return _wildcard && string.Equals(host.TrimEnd('.'), Dns.GetHostName(), StringComparison.OrdinalIgnoreCase);
        }

        address = Plain(address);
        if (!_wildcard)
        {
            return address.Equals(_bound);
        }

        // A wildcard socket is reached at any address of this host: the one this request arrived at is the common case,
        // so the interfaces are looked at only for another one (admin requests are rare, and addresses come and go).
        return IPAddress.IsLoopback(address)
            || (arrivedAt is not null && address.Equals(Plain(arrivedAt)))
            || NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(u => Plain(u.Address).Equals(address));
    }

    /// <summary>The address without an IPv4 mapping or an IPv6 scope, as it is compared.</summary>
    private static IPAddress Plain(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;
}
