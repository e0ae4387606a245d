using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// The shape of a virtual key: <c>sy_</c>, a 10-character public id, <c>_</c>, and 26 characters of secret, all in lower-case
/// base32 (a-z, 2-7): 130 bits of secret randomness, recognisable by its prefix, safe in a header or a shell. The id may be
/// shown and logged; the whole key only once, when created. Only its SHA-256 is stored.
/// </summary>
public static class ApiKeys
{
    /// <summary>What every key starts with.</summary>
    public const string Prefix = "sy_";

    private const int IdChars = 10;
    private const int SecretChars = 26;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>A key's length: prefix, id, separator, secret.</summary>
    public const int Length = 3 + IdChars + 1 + SecretChars;

    /// <summary>A new key, its public id and the hash to store.</summary>
    public static (string Key, string Id, byte[] Hash) Generate()
    {
        Span<char> key = stackalloc char[Length];
        Prefix.AsSpan().CopyTo(key);
        Fill(key.Slice(3, IdChars));
        key[3 + IdChars] = '_';
        Fill(key[(4 + IdChars)..]);
        var text = new string(key);
        return (text, text[..(3 + IdChars)], Hash(text));
    }

    /// <summary>SHA-256 of a key's UTF-8 bytes.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Whether <paramref name="text"/> has the shape of a key (exactly; no look-alike character or stray byte passes), and
    /// its public id when it does.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out string id)
    {
        id = "";
        if (text.Length != Length || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[3 + IdChars] != '_')
        {
            return false;
        }

        foreach (var part in (ReadOnlySpan<Range>)[new Range(3, 3 + IdChars), new Range(4 + IdChars, Length)])
        {
            foreach (var c in text[part])
            {
                if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7')))
                {
                    return false;
                }
            }
        }

        id = new string(text[..(3 + IdChars)]);
        return true;
    }

    /// <summary>Whether <paramref name="key"/> is the one whose hash is <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(ReadOnlySpan<char> key, ReadOnlySpan<byte> hash)
    {
        Span<byte> bytes = stackalloc byte[Length];
        var written = Encoding.UTF8.GetBytes(key, bytes);
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(bytes[..written], actual);
        return hash.Length == 32 && CryptographicOperations.FixedTimeEquals(actual, hash);
    }

    private static void Fill(Span<char> destination)
    {
        Span<byte> random = stackalloc byte[destination.Length];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Alphabet[random[i] & 31];
        }
    }
}
