using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Tcpffee.Configuration;

/// <summary>Parses the address forms the configuration uses: a bare IP, and <c>ip:port</c> (IPv6 as <c>[ip]:port</c>).</summary>
internal static class SocketAddress
{
    public static bool TryParseEndPoint(string text, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            // An IPv6 address must be bracketed, otherwise its last group would be read as the port.
            return false;
        }

        if (!TryParseAddress(host, out var address)
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    public static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var trimmed = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;

        // IPAddress.TryParse accepts "1" or "1.2" as shorthand for IPv4; an operator who wrote that made a mistake.
        if (!trimmed.Contains(':') && trimmed.Count(c => c == '.') != 3)
        {
            return false;
        }

        return IPAddress.TryParse(trimmed, out address);
    }
}
