using System.Net;
using System.Net.Sockets;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// Checks of the string formats OpenAI structured outputs accept, on the UTF-8 bytes of the (unescaped) string, without
/// allocating. Each follows the RFC JSON Schema names for it; where an RFC leaves room, the comment says which way.
/// </summary>
internal static class StringFormats
{
    /// <summary>The <c>format</c> keyword values, as the schema spells them.</summary>
    public const string Names = "date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid";

    /// <summary>The format a <c>format</c> value names, or <see cref="StringFormat.None"/> for one outside the subset.</summary>
    public static StringFormat Parse(string name) => name switch
    {
        "date-time" => StringFormat.DateTime,
        "time" => StringFormat.Time,
        "date" => StringFormat.Date,
        "duration" => StringFormat.Duration,
        "email" => StringFormat.Email,
        "hostname" => StringFormat.Hostname,
        "ipv4" => StringFormat.Ipv4,
        "ipv6" => StringFormat.Ipv6,
        "uuid" => StringFormat.Uuid,
        _ => StringFormat.None,
    };

    /// <summary>The name of <paramref name="format"/> as the schema spells it.</summary>
    public static string NameOf(StringFormat format) => format switch
    {
        StringFormat.DateTime => "date-time",
        StringFormat.Time => "time",
        StringFormat.Date => "date",
        StringFormat.Duration => "duration",
        StringFormat.Email => "email",
        StringFormat.Hostname => "hostname",
        StringFormat.Ipv4 => "ipv4",
        StringFormat.Ipv6 => "ipv6",
        StringFormat.Uuid => "uuid",
        _ => "none",
    };

    /// <summary>Whether <paramref name="text"/> is a valid <paramref name="format"/>.</summary>
    public static bool IsValid(StringFormat format, ReadOnlySpan<byte> text) => format switch
    {
        StringFormat.DateTime => IsDateTime(text),
        StringFormat.Time => IsTime(text),
        StringFormat.Date => text.Length == 10 && IsDate(text),
        StringFormat.Duration => IsDuration(text),
        StringFormat.Email => IsEmail(text),
        StringFormat.Hostname => IsHostname(text),
        StringFormat.Ipv4 => IsIpv4(text),
        StringFormat.Ipv6 => IsIpv6(text),
        StringFormat.Uuid => IsUuid(text),
        _ => true,
    };

    // RFC 3339 date-time; 'T' may be lower case (RFC 3339 section 5.6, note), a space may not.
    private static bool IsDateTime(ReadOnlySpan<byte> text) =>
        text.Length > 11 && IsDate(text[..10]) && (text[10] == (byte)'T' || text[10] == (byte)'t') && IsTime(text[11..]);

    private static bool IsDate(ReadOnlySpan<byte> text)
    {
        if (text.Length != 10 || text[4] != (byte)'-' || text[7] != (byte)'-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day))
        {
            return false;
        }

        return month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    // RFC 3339 full-time: partial-time then a required offset ("Z" or "+hh:mm"). A leap second (:60) only where it
    // falls at 23:59:60 UTC.
    private static bool IsTime(ReadOnlySpan<byte> text)
    {
        if (text.Length < 9 || text[2] != (byte)':' || text[5] != (byte)':'
            || !TryDigits(text[..2], out var hour) || !TryDigits(text[3..5], out var minute) || !TryDigits(text[6..8], out var second)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var i = 8;
        if (text[i] == (byte)'.')
        {
            var start = ++i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= text.Length)
        {
            return false;
        }

        var offsetMinutes = 0;
        if (text[i] == (byte)'Z' || text[i] == (byte)'z')
        {
            if (i + 1 != text.Length)
            {
                return false;
            }
        }
        else if (text[i] == (byte)'+' || text[i] == (byte)'-')
        {
            var offset = text[(i + 1)..];
            if (offset.Length != 5 || offset[2] != (byte)':' || !TryDigits(offset[..2], out var offsetHour)
                || !TryDigits(offset[3..], out var offsetMinute) || offsetHour > 23 || offsetMinute > 59)
            {
                return false;
            }

            offsetMinutes = (text[i] == (byte)'-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
        }
        else
        {
            return false;
        }

        if (second == 60)
        {
            var utc = ((hour * 60) + minute - offsetMinutes + 1440) % 1440;
            return utc == (23 * 60) + 59;
        }

        return true;
    }

    // ISO 8601 durations: "P", date components in the order Y M D, then "T" and H M S in order; or "PnW" alone.
    // Components may be skipped (P1Y1D), which ISO 8601 allows and RFC 3339's appendix grammar does not.
    private static bool IsDuration(ReadOnlySpan<byte> text)
    {
        if (text.Length < 3 || text[0] != (byte)'P')
        {
            return false;
        }

        var i = 1;
        var rank = 0;
        var any = false;
        while (i < text.Length && text[i] != (byte)'T')
        {
            if (!TrySkipDigits(text, ref i))
            {
                return false;
            }

            var unit = text[i++];
            if (unit == (byte)'W')
            {
                return !any && i == text.Length;
            }

            var next = unit switch { (byte)'Y' => 1, (byte)'M' => 2, (byte)'D' => 3, _ => 0 };
            if (next <= rank)
            {
                return false;
            }

            rank = next;
            any = true;
        }

        if (i < text.Length)
        {
            i++;
            rank = 0;
            var anyTime = false;
            while (i < text.Length)
            {
                if (!TrySkipDigits(text, ref i))
                {
                    return false;
                }

                var next = text[i++] switch { (byte)'H' => 1, (byte)'M' => 2, (byte)'S' => 3, _ => 0 };
                if (next <= rank)
                {
                    return false;
                }

                rank = next;
                anyTime = true;
            }

            any |= anyTime;
            if (!anyTime)
            {
                return false;
            }
        }

        return any;
    }

    // Digits then a unit letter must follow at text[i].
    private static bool TrySkipDigits(ReadOnlySpan<byte> text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        return i > start && i < text.Length;
    }

    // RFC 5321 Mailbox: a dot-atom or quoted local part (at most 64 bytes), "@", then a host name or an address literal.
    private static bool IsEmail(ReadOnlySpan<byte> text)
    {
        var at = text.LastIndexOf((byte)'@');
        if (at <= 0 || at > 64 || at == text.Length - 1 || text.Length > 254)
        {
            return false;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        if (!(local[0] == (byte)'"' ? IsQuotedLocalPart(local) : IsDotAtom(local)))
        {
            return false;
        }

        if (domain[0] == (byte)'[')
        {
            if (domain[^1] != (byte)']')
            {
                return false;
            }

            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:"u8) ? IsIpv6(literal[5..]) : IsIpv4(literal);
        }

        return IsHostname(domain);
    }

    private static bool IsDotAtom(ReadOnlySpan<byte> text)
    {
        var previousDot = true;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                if (previousDot)
                {
                    return false;
                }

                previousDot = true;
            }
            else if (char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-/=?^_`{|}~"u8.Contains(b))
            {
                previousDot = false;
            }
            else
            {
                return false;
            }
        }

        return !previousDot;
    }

    private static bool IsQuotedLocalPart(ReadOnlySpan<byte> text)
    {
        if (text.Length < 2 || text[^1] != (byte)'"')
        {
            return false;
        }

        var inner = text[1..^1];
        for (var i = 0; i < inner.Length; i++)
        {
            var b = inner[i];
            if (b == (byte)'\\')
            {
                if (++i >= inner.Length || inner[i] < 32 || inner[i] > 126)
                {
                    return false;
                }
            }
            else if (b < 32 || b > 126 || b == (byte)'"')
            {
                return false;
            }
        }

        return true;
    }

    // RFC 1123: at most 253 bytes of dot-separated labels, each 1-63 letters, digits or hyphens, no hyphen at an end.
    private static bool IsHostname(ReadOnlySpan<byte> text)
    {
        if (text.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in text.Split((byte)'.'))
        {
            var label = text[range];
            if (label.Length is 0 or > 63 || label[0] == (byte)'-' || label[^1] == (byte)'-')
            {
                return false;
            }

            foreach (var b in label)
            {
                if (!char.IsAsciiLetterOrDigit((char)b) && b != (byte)'-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Four decimal octets, no leading zeros (which some parsers read as octal).
    private static bool IsIpv4(ReadOnlySpan<byte> text)
    {
        var parts = 0;
        foreach (var range in text.Split((byte)'.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == (byte)'0')
                || !TryDigits(part, out var value) || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    // RFC 4291 text forms, including an embedded IPv4 tail; no zone ("%eth0"), no brackets, no prefix length.
    private static bool IsIpv6(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 2 or > 45 || text.IndexOf((byte)':') < 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[45];
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            if (!char.IsAsciiHexDigit(c) && c != ':' && c != '.')
            {
                return false;
            }

            chars[i] = c;
        }

        return IPAddress.TryParse(chars[..text.Length], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool IsUuid(ReadOnlySpan<byte> text)
    {
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != (byte)'-' : !char.IsAsciiHexDigit((char)text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
