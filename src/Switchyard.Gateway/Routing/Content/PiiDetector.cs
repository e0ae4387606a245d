using System.Buffers;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Routing.Content;

/// <summary>
/// Finds personal data in prompt text: e-mail addresses, phone numbers, payment cards, IBANs and national identity
/// numbers (US SSN, UK NINO, Spanish DNI/NIE, Dutch BSN), plus configured patterns. Reports kinds and counts, never the
/// matched text. Built once from configuration; thread-safe.
/// </summary>
/// <remarks>
/// <code>
/// text ─► token starts (after a non-alphanumeric character)
///           ├ local part then '@'        ─► e-mail (domain with a dot and a 2+ letter TLD)
///           ├ upper-case letter          ─► IBAN (length by country, mod 97) │ NINO (prefix and suffix rules) │ NIE
///           └ digit, '+' or '('          ─► card (Luhn, issuer prefix) │ SSN │ DNI │ BSN (11-check, next to "BSN") │ phone
///         custom patterns (NonBacktracking regex)
/// </code>
/// Every built-in check is hand-written and looks a bounded distance from a token start (at most a domain name ahead),
/// so a scan is linear in the text; custom patterns run with <see cref="RegexOptions.NonBacktracking"/>, linear too.
/// Check digits (Luhn, mod 97, 11-check, DNI letter) and structural rules keep order numbers, dates, versions and IP
/// addresses out.
/// </remarks>
internal sealed class PiiDetector
{
    private const int MaxLocalPart = 64;
    private const int MaxDomain = 253;

    /// <summary>IBAN lengths by country (ISO 13616 registry, SWIFT release 2024).</summary>
    private static readonly (string Country, int Length)[] IbanLengths =
    [
        ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22), ("BH", 22),
        ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22), ("DK", 18), ("DO", 28),
        ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23),
        ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26),
        ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
        ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30),
        ("NL", 18), ("NO", 15), ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22),
        ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28),
        ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
    ];

    private static readonly byte[] IbanLengthByCountry = BuildIbanTable();

    /// <summary>Where a built-in kind other than e-mail can start.</summary>
    private static readonly SearchValues<char> StructuredStarts = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+(");

    private static readonly SearchValues<char> AsciiAlphanumerics =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    private readonly PiiKinds _kinds;
    private readonly bool _enabled;
    private readonly (Regex Regex, int Index)[] _custom;
    private readonly ImmutableArray<string> _customNames;

    private PiiDetector(PiiConfig config)
    {
        _enabled = config.Enabled;
        _kinds = config.Kinds & PiiKinds.AllBuiltIn;
        _customNames = [.. config.Patterns.Select(p => p.Name)];
        _custom = [.. config.Patterns.Select((p, i) => (CompilePattern(p.Pattern), i))];
    }

    /// <summary>The detector with every built-in kind and no custom pattern.</summary>
    public static PiiDetector Default => DefaultHolder.Instance;

    /// <summary>Builds a detector from a validated configuration.</summary>
    /// <exception cref="ArgumentException">A custom pattern does not compile (the configuration reader reports that first).</exception>
    public static PiiDetector Create(PiiConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new PiiDetector(config);
    }

    /// <summary>Compiles a custom pattern as the detector runs it; the configuration reader uses it to validate.</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    /// <exception cref="NotSupportedException">The pattern uses backreferences, lookarounds or atomic groups.</exception>
    public static Regex CompilePattern(string pattern) =>
        // SECURITY: linear-time matching; a hostile prompt cannot make a configured pattern backtrack.
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>
    /// Scans <paramref name="text"/>, normally what
    /// <see cref="PromptText.Extract(ReadOnlySpan{byte}, Api.EndpointKind, Span{char}, out int)"/> wrote.
    /// </summary>
    public PiiFindings Scan(ReadOnlySpan<char> text)
    {
        var findings = default(PiiFindings);
        if (!_enabled)
        {
            return findings;
        }

        if (_kinds != PiiKinds.None)
        {
            ScanBuiltIn(text, ref findings, null);
        }

        foreach (var (regex, index) in _custom)
        {
            var matches = regex.Count(text);
            if (matches > 0)
            {
                findings.AddCustom(index, matches, _customNames);
            }
        }

        return findings;
    }

    /// <summary>
    /// <paramref name="text"/> with every piece of personal data replaced by its kind in brackets (<c>[EMAIL]</c>,
    /// <c>[CARD]</c>, <c>[EMPLOYEE_ID]</c>): for datasets exported from stored prompts. Cold path.
    /// </summary>
    public string Redact(string text)
    {
        if (!_enabled)
        {
            return text;
        }

        var spans = new List<(int Start, int End, string Kind)>();
        var findings = default(PiiFindings);
        if (_kinds != PiiKinds.None)
        {
            ScanBuiltIn(text, ref findings, spans);
        }

        foreach (var (regex, index) in _custom)
        {
            foreach (var match in regex.EnumerateMatches(text))
            {
                spans.Add((match.Index, match.Index + match.Length, _customNames[index]));
            }
        }

        if (spans.Count == 0)
        {
            return text;
        }

        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var result = new System.Text.StringBuilder(text.Length);
        var position = 0;
        foreach (var (start, end, kind) in spans)
        {
            if (start < position)
            {
                continue;
            }

            result.Append(text, position, start - position).Append('[').Append(kind.ToUpperInvariant()).Append(']');
            position = end;
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    private void ScanBuiltIn(ReadOnlySpan<char> text, ref PiiFindings findings, List<(int Start, int End, string Kind)>? spans)
    {
        var emails = (_kinds & PiiKinds.Email) != 0;
        var nextAt = emails ? text.IndexOf('@') : -1;
        var i = 0;
        while (i < text.Length)
        {
            if (nextAt >= 0 && nextAt < i)
            {
                var after = text[i..].IndexOf('@');
                nextAt = after < 0 ? -1 : i + after;
            }

            int end;
            var emailReach = nextAt < 0 ? text.Length : nextAt - MaxLocalPart;
            if (emailReach > i)
            {
                // PERF: no e-mail can start before emailReach, and every other kind starts with a digit, a capital, '+' or
                // '(': jump there with a vectorised search instead of looking at each lower-case letter and space.
                var next = text[i..emailReach].IndexOfAny(StructuredStarts);
                if (next < 0)
                {
                    i = emailReach;
                    continue;
                }

                i += next;
                if (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]) && char.IsAsciiLetterOrDigit(text[i]))
                {
                    SkipRun(text, ref i);
                    continue;
                }

                if (TryStructured(text, i, out var found, out end))
                {
                    findings.Add(found);
                    spans?.Add((i, end, PiiFindings.NameOf(found)));
                    i = end;
                    continue;
                }

                i++;
                continue;
            }

            var c = text[i];
            var isAlphanumeric = char.IsAsciiLetterOrDigit(c);
            if (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]) && isAlphanumeric)
            {
                SkipRun(text, ref i);
                continue;
            }

            if (nextAt >= 0 && IsLocalChar(c) && (i == 0 || !IsLocalChar(text[i - 1])) && TryEmail(text, i, nextAt, out end))
            {
                findings.Add(PiiKinds.Email);
                spans?.Add((i, end, PiiFindings.NameOf(PiiKinds.Email)));
                i = end;
                continue;
            }

            if ((isAlphanumeric || c is '+' or '(') && TryStructured(text, i, out var kind, out end))
            {
                findings.Add(kind);
                spans?.Add((i, end, PiiFindings.NameOf(kind)));
                i = end;
                continue;
            }

            i++;
        }
    }

    /// <summary>Inside a word or number: jump to its end.</summary>
    private static void SkipRun(ReadOnlySpan<char> text, ref int i)
    {
        var run = text[i..].IndexOfAnyExcept(AsciiAlphanumerics);
        i = run < 0 ? text.Length : i + run;
    }

    /// <summary>The checks that start at a token: letters first (IBAN, NINO, NIE), then numbers.</summary>
    private bool TryStructured(ReadOnlySpan<char> text, int i, out PiiKinds kind, out int end)
    {
        var c = text[i];
        if (char.IsAsciiLetterUpper(c))
        {
            if (Enabled(PiiKinds.Iban) && TryIban(text, i, out end))
            {
                kind = PiiKinds.Iban;
                return true;
            }

            if (Enabled(PiiKinds.UkNino) && TryNino(text, i, out end))
            {
                kind = PiiKinds.UkNino;
                return true;
            }

            if (Enabled(PiiKinds.EsDni) && c is 'X' or 'Y' or 'Z' && TryDni(text, i + 1, c - 'X', 7, out end))
            {
                kind = PiiKinds.EsDni;
                return true;
            }
        }
        else if (char.IsAsciiDigit(c))
        {
            // The next group of a longer number ("3704 0044 0532 ..." after a failed IBAN) is no number of its own.
            if (i > 1 && text[i - 1] is ' ' or '-' or '.' or '/' && char.IsAsciiDigit(text[i - 2]) && !AfterWord(text, i - 2))
            {
                kind = PiiKinds.None;
                end = i;
                return false;
            }

            if (Enabled(PiiKinds.PaymentCard) && TryCard(text, i, out end))
            {
                kind = PiiKinds.PaymentCard;
                return true;
            }

            if (Enabled(PiiKinds.UsSsn) && TrySsn(text, i, out end))
            {
                kind = PiiKinds.UsSsn;
                return true;
            }

            if (Enabled(PiiKinds.EsDni) && TryDni(text, i, -1, 8, out end))
            {
                kind = PiiKinds.EsDni;
                return true;
            }

            if (Enabled(PiiKinds.NlBsn) && TryBsn(text, i, out end))
            {
                kind = PiiKinds.NlBsn;
                return true;
            }
        }

        if (Enabled(PiiKinds.Phone) && (char.IsAsciiDigit(c) || c is '+' or '(') && TryPhone(text, i, out end))
        {
            kind = PiiKinds.Phone;
            return true;
        }

        kind = PiiKinds.None;
        end = i;
        return false;
    }

    private bool Enabled(PiiKinds kind) => (_kinds & kind) != 0;

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    /// <summary>Whether the token ends at <paramref name="end"/>: no letter or digit follows.</summary>
    private static bool EndsAt(ReadOnlySpan<char> text, int end) => end >= text.Length || !char.IsAsciiLetterOrDigit(text[end]);

    // ── E-mail ─────────────────────────────────────────────────────────────────────────────────────────────────────

    private static bool TryEmail(ReadOnlySpan<char> text, int start, int at, out int end)
    {
        end = start;
        for (var j = start; j < at; j++)
        {
            if (!IsLocalChar(text[j]))
            {
                return false;
            }
        }

        if (at == start || text[start] == '.' || text[at - 1] == '.')
        {
            return false;
        }

        // Domain: labels of letters, digits and '-', separated by single dots; the last (the TLD) all letters, 2 or more.
        var pos = at + 1;
        var labels = 0;
        var lastLabelStart = pos;
        var lastLabelEnd = pos;
        while (pos < text.Length && pos - at <= MaxDomain)
        {
            var labelStart = pos;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '-'))
            {
                pos++;
            }

            if (pos == labelStart)
            {
                break;
            }

            labels++;
            lastLabelStart = labelStart;
            lastLabelEnd = pos;
            if (pos + 1 < text.Length && text[pos] == '.' && char.IsAsciiLetterOrDigit(text[pos + 1]))
            {
                pos++;
                continue;
            }

            break;
        }

        if (labels < 2 || lastLabelEnd - lastLabelStart < 2)
        {
            return false;
        }

        foreach (var ch in text[lastLabelStart..lastLabelEnd])
        {
            if (!char.IsAsciiLetter(ch))
            {
                return false;
            }
        }

        end = lastLabelEnd;
        return true;
    }

    // ── Payment cards ──────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>13 to 19 digits, optionally grouped by single spaces or dashes (one kind), Luhn-valid, known issuer prefix.</summary>
    private static bool TryCard(ReadOnlySpan<char> text, int start, out int end)
    {
        Span<byte> digits = stackalloc byte[19];
        var count = 0;
        var separator = '\0';
        var pos = start;
        while (pos < text.Length)
        {
            var c = text[pos];
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    end = start;
                    return false;
                }

                digits[count++] = (byte)(c - '0');
                pos++;
                continue;
            }

            if (c is ' ' or '-' && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]) && (separator == '\0' || separator == c))
            {
                separator = c;
                pos++;
                continue;
            }

            break;
        }

        end = pos;
        return count >= 13 && EndsAt(text, pos) && KnownIssuer(digits[..count]) && Luhn(digits[..count]);
    }

    /// <summary>Issuer identification number ranges of the networks that issue most cards, with their lengths.</summary>
    private static bool KnownIssuer(ReadOnlySpan<byte> d)
    {
        var length = d.Length;
        var two = d[0] * 10 + d[1];
        var four = two * 100 + d[2] * 10 + d[3];
        var six = four * 100 + d[4] * 10 + d[5];
        return d[0] switch
        {
            4 => length is 13 or 16 or 19,                                                           // Visa
            5 => (two is >= 51 and <= 55 && length == 16) || (two is 50 or (>= 56 and <= 58) && length >= 12), // Mastercard, Maestro
            2 => four is >= 2221 and <= 2720 && length == 16,                                        // Mastercard 2-series
            3 => (two is 34 or 37 && length == 15)                                                   // American Express
                 || (four is >= 3528 and <= 3589 && length >= 16)                                    // JCB
                 || ((two is 36 or 38 or 39 || (four / 10 is >= 300 and <= 305)) && length >= 14),   // Diners Club
            6 => (four == 6011 || two == 65 || (six / 1000 is >= 644 and <= 649) || two == 62 || two is 67 or 63) && length >= 16, // Discover, UnionPay, Maestro
            _ => false,
        };
    }

    internal static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    // ── IBAN ───────────────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>Country code, two check digits, then the country's fixed length of letters and digits; single spaces allowed between groups.</summary>
    private static bool TryIban(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        if (start + 4 > text.Length || !char.IsAsciiLetterUpper(text[start + 1]) || !char.IsAsciiDigit(text[start + 2]) || !char.IsAsciiDigit(text[start + 3]))
        {
            return false;
        }

        var length = IbanLengthByCountry[(text[start] - 'A') * 26 + (text[start + 1] - 'A')];
        if (length == 0)
        {
            return false;
        }

        Span<char> iban = stackalloc char[34];
        var count = 0;
        var pos = start;
        while (count < length && pos < text.Length)
        {
            var c = text[pos];
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            {
                iban[count++] = c;
                pos++;
            }
            else if (c == ' ' && count > 0 && pos + 1 < text.Length && char.IsAsciiLetterOrDigit(text[pos + 1]))
            {
                pos++;
            }
            else
            {
                return false;
            }
        }

        end = pos;
        return count == length && EndsAt(text, pos) && Mod97(iban[..count]) == 1;
    }

    /// <summary>ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end, letters as 10 to 35.</summary>
    internal static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var c = iban[(k + 4) % iban.Length];
            remainder = char.IsAsciiDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
        }

        return remainder;
    }

    private static byte[] BuildIbanTable()
    {
        var table = new byte[26 * 26];
        foreach (var (country, length) in IbanLengths)
        {
            table[(country[0] - 'A') * 26 + (country[1] - 'A')] = (byte)length;
        }

        return table;
    }

    // ── National identity numbers ──────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// US SSN written <c>123-45-6789</c> or <c>123 45 6789</c>: area not 000, 666 or 900–999, group not 00, serial not
    /// 0000, and not one of the numbers published in advertising. Nine bare digits are not taken: too many are not SSNs.
    /// </summary>
    private static bool TrySsn(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start + 11;
        if (end > text.Length || !EndsAt(text, end))
        {
            return false;
        }

        var s = text.Slice(start, 11);
        var separator = s[3];
        if (separator is not ('-' or ' ') || s[6] != separator
            || !AllDigits(s[..3]) || !AllDigits(s.Slice(4, 2)) || !AllDigits(s[7..]))
        {
            return false;
        }

        var area = Number(s[..3]);
        var group = Number(s.Slice(4, 2));
        var serial = Number(s[7..]);
        return area is not (0 or 666) && area < 900 && group != 0 && serial != 0
            && !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }

    /// <summary>
    /// UK National Insurance number: two prefix letters (neither D, F, I, Q, U, V; the second not O; not BG, GB, KN, NK,
    /// NT, TN, ZZ), six digits (optionally in spaced pairs) and a suffix A to D.
    /// </summary>
    private static bool TryNino(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        if (start + 9 > text.Length)
        {
            return false;
        }

        char first = text[start], second = text[start + 1];
        if (!char.IsAsciiLetterUpper(second) || "DFIQUV".Contains(first) || "DFIQUVO".Contains(second))
        {
            return false;
        }

        ReadOnlySpan<char> prefix = [first, second];
        if (prefix is "BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ")
        {
            return false;
        }

        var pos = start + 2;
        var digits = 0;
        while (digits < 6 && pos < text.Length)
        {
            if (char.IsAsciiDigit(text[pos]))
            {
                digits++;
                pos++;
            }
            else if (text[pos] == ' ' && digits % 2 == 0)
            {
                pos++;
            }
            else
            {
                return false;
            }
        }

        if (digits < 6)
        {
            return false;
        }

        if (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }

        if (pos >= text.Length || text[pos] is < 'A' or > 'D' || !EndsAt(text, pos + 1))
        {
            return false;
        }

        end = pos + 1;
        return true;
    }

    /// <summary>
    /// Spanish DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits and a letter): the letter is
    /// <c>TRWAGMYFPDXBNJZSQVHLCKE</c>[number mod 23], with X, Y, Z counting as 0, 1, 2 in front of the NIE's digits.
    /// </summary>
    private static bool TryDni(ReadOnlySpan<char> text, int start, int niePrefix, int digitCount, out int end)
    {
        end = start;
        var pos = start;
        if (niePrefix >= 0 && pos < text.Length && text[pos] == '-')
        {
            pos++;
        }

        if (pos + digitCount + 1 > text.Length || !AllDigits(text.Slice(pos, digitCount)))
        {
            return false;
        }

        var number = Number(text.Slice(pos, digitCount)) + (niePrefix > 0 ? niePrefix * 10_000_000L : 0);
        pos += digitCount;
        if (pos < text.Length && text[pos] is '-' or ' ')
        {
            pos++;
        }

        if (pos >= text.Length || !char.IsAsciiLetter(text[pos]) || !EndsAt(text, pos + 1))
        {
            return false;
        }

        end = pos + 1;
        return char.ToUpperInvariant(text[pos]) == DniLetters[(int)(number % 23)];
    }

    /// <summary>
    /// Dutch BSN: nine digits passing the 11-check (9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11). One random number in
    /// eleven passes, so it counts only with "BSN" or "burgerservicenummer" in the 40 characters before it.
    /// </summary>
    private static bool TryBsn(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start + 9;
        if (end > text.Length || !AllDigits(text.Slice(start, 9)) || !EndsAt(text, end))
        {
            return false;
        }

        var sum = 0;
        for (var k = 0; k < 8; k++)
        {
            sum += (9 - k) * (text[start + k] - '0');
        }

        sum -= text[start + 8] - '0';
        if (sum % 11 != 0 || text.Slice(start, 9) is "000000000")
        {
            return false;
        }

        var before = text[Math.Max(0, start - 40)..start];
        return before.Contains("bsn", StringComparison.OrdinalIgnoreCase) || before.Contains("burgerservicenummer", StringComparison.OrdinalIgnoreCase);
    }

    // ── Phone numbers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// <list type="bullet">
    /// <item>E.164: <c>+</c>, a country code not starting with 0, 8 to 15 digits in all, grouped by single spaces, dashes,
    /// dots or an area code in parentheses.</item>
    /// <item>North American: <c>(555) 123-4567</c>, <c>555-123-4567</c>, <c>555.123.4567</c>, <c>1-555-123-4567</c>; the area
    /// code and exchange do not start with 0 or 1.</item>
    /// <item>National with a trunk 0: <c>020 7946 0958</c>, <c>06-12345678</c>: 10 or 11 digits in groups of 2 or more, one
    /// kind of separator.</item>
    /// </list>
    /// Bare digit strings, dates (8 digits or fewer), versions and IPv4 addresses (groups of 1 to 3 not starting with 0)
    /// do not fit any of these shapes.
    /// </summary>
    private static bool TryPhone(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        var plus = text[start] == '+';
        var pos = plus ? start + 1 : start;
        Span<int> groups = stackalloc int[8];
        Span<int> leading = stackalloc int[8];
        var groupCount = 0;
        var digits = 0;
        var separators = 0;
        var mixed = false;
        var firstSeparator = '\0';
        var parenthesised = -1;
        var firstDigit = -1;
        while (pos < text.Length && groupCount < groups.Length)
        {
            var open = text[pos] == '(';
            if (open)
            {
                if (parenthesised >= 0)
                {
                    return false;
                }

                pos++;
            }

            var groupStart = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - groupStart < 15)
            {
                pos++;
            }

            var length = pos - groupStart;
            if (length == 0)
            {
                return false;
            }

            if (firstDigit < 0)
            {
                firstDigit = text[groupStart] - '0';
            }

            if (open)
            {
                if (pos >= text.Length || text[pos] != ')')
                {
                    return false;
                }

                parenthesised = groupCount;
                pos++;
            }

            leading[groupCount] = text[groupStart] - '0';
            groups[groupCount++] = length;
            digits += length;
            if (digits > 15)
            {
                return false;
            }

            // One separator (a space may follow a closing parenthesis), then the next group.
            if (pos + 1 < text.Length && text[pos] is ' ' or '-' or '.' && (char.IsAsciiDigit(text[pos + 1]) || text[pos + 1] == '('))
            {
                var separator = text[pos];
                if (firstSeparator == '\0')
                {
                    firstSeparator = separator;
                }
                else if (separator != firstSeparator)
                {
                    mixed = true;
                }

                separators++;
                pos++;
                continue;
            }

            if (open && pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                continue;
            }

            break;
        }

        if (!EndsAt(text, pos) || (pos < text.Length && text[pos] == '.' && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1])))
        {
            return false;
        }

        end = pos;
        if (plus)
        {
            return firstDigit > 0 && digits is >= 8 and <= 15 && (groupCount > 1 || digits >= 10);
        }

        if (separators == 0 && parenthesised < 0)
        {
            return false;
        }

        var g = groups[..groupCount];
        if (digits == 10 && g is [3, 3, 4])
        {
            return leading[0] >= 2 && leading[1] >= 2 && (parenthesised == 0 || (!mixed && parenthesised < 0));
        }

        if (digits == 11 && g is [1, 3, 3, 4])
        {
            return firstDigit == 1 && leading[1] >= 2 && leading[2] >= 2 && !mixed && parenthesised < 0;
        }

        if (firstDigit == 0 && digits is 10 or 11 && !mixed && groupCount >= 2 && parenthesised <= 0)
        {
            foreach (var length in g)
            {
                if (length < 2)
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>Whether the digits ending at <paramref name="last"/> end a word such as <c>mc2</c> rather than a number.</summary>
    private static bool AfterWord(ReadOnlySpan<char> text, int last)
    {
        var j = last;
        while (j >= 0 && char.IsAsciiDigit(text[j]) && last - j < 32)
        {
            j--;
        }

        return j >= 0 && char.IsAsciiLetter(text[j]);
    }

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        // PERF: a plain loop; IndexOfAnyExceptInRange allocated on .NET 10.0 (measured in a Debug build).
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return !span.IsEmpty;
    }

    private static long Number(ReadOnlySpan<char> digits)
    {
        var value = 0L;
        foreach (var c in digits)
        {
            value = value * 10 + (c - '0');
        }

        return value;
    }

    private static class DefaultHolder
    {
        public static readonly PiiDetector Instance = new(new PiiConfig());
    }
}
