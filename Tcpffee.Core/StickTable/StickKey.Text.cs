using System.Net;
using System.Text;

namespace Tcpffee.StickTable;

// Text form of a stick key: "ip", or "ip|slice" with \xNN escapes in the slice.
internal readonly partial struct StickKey
{
    private const char SliceSeparator = '|';
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>Renders the key as <c>ip</c>, or <c>ip|slice</c> with non-printable bytes and backslash as <c>\xNN</c>.</summary>
    public override string ToString()
    {
        if (_bytes is null)
        {
            return string.Empty;
        }

        string address = Address.ToString();
        ReadOnlySpan<byte> slice = Slice.Span;
        if (slice.IsEmpty)
        {
            return address;
        }

        var text = new StringBuilder(address.Length + 1 + slice.Length);
        text.Append(address).Append(SliceSeparator);
        foreach (byte b in slice)
        {
            if (IsPlainPrintable(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('\\').Append('x').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return text.ToString();
    }

    /// <summary>Parses the text produced by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out StickKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        int separator = text.IndexOf(SliceSeparator, StringComparison.Ordinal);
        ReadOnlySpan<char> addressText = separator < 0 ? text : text.AsSpan(0, separator);
        if (!IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        if (separator < 0)
        {
            key = FromAddress(address);
            return true;
        }

        ReadOnlySpan<char> sliceText = text.AsSpan(separator + 1);
        Span<byte> slice = stackalloc byte[MaxSliceLength];
        if (!TryUnescape(sliceText, slice, out int length))
        {
            return false;
        }

        key = FromAddress(address, slice[..length]);
        return true;
    }

    private static bool TryUnescape(ReadOnlySpan<char> text, Span<byte> destination, out int length)
    {
        length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (length == destination.Length)
            {
                return false;
            }

            char c = text[i];
            if (c == '\\')
            {
                if (i + 3 >= text.Length || text[i + 1] != 'x'
                    || HexValue(text[i + 2]) is not int high || HexValue(text[i + 3]) is not int low)
                {
                    return false;
                }

                destination[length++] = (byte)((high << 4) | low);
                i += 3;
            }
            else if (c <= byte.MaxValue && IsPlainPrintable((byte)c))
            {
                destination[length++] = (byte)c;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlainPrintable(byte b) => b is >= 0x20 and <= 0x7E and not (byte)'\\';

    private static int? HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => null,
    };
}
