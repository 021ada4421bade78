using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.NetworkInformation;

namespace Tcpffee.Configuration;

/// <summary>Parses and prints MAC addresses in the colon form operators write (<c>00:1a:2b:3c:4d:5e</c>).</summary>
internal static class MacAddress
{
    /// <summary>Accepts six hex pairs separated by ':' or '-', or twelve hex digits; nothing looser.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out PhysicalAddress? address)
    {
        address = null;
        var digits = text.Length == 12 ? text : text.Replace(':', '-');
        if (text.Length == 17)
        {
            var separator = text[2];
            for (var i = 2; i < 17; i += 3)
            {
                if (text[i] != separator || separator is not (':' or '-'))
                {
                    return false;
                }
            }

            digits = text.Replace(separator.ToString(), "", StringComparison.Ordinal);
        }

        if (digits.Length != 12 || !digits.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        address = new PhysicalAddress(Convert.FromHexString(digits));
        return true;
    }

    public static string Format(PhysicalAddress address) =>
        string.Join(':', address.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
