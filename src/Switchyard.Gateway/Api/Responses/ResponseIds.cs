using System.Security.Cryptography;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Ids of responses (<c>resp_</c>) and of their items (<c>msg_</c>, <c>fc_</c>, <c>fco_</c>), each a prefix and 32
/// lowercase hexadecimal digits: 128 random bits.
/// </summary>
/// <remarks>
/// SECURITY: a response id is not a secret (every read is scoped to its owner), but an unguessable one keeps ids from
/// telling one caller how many responses others made.
/// </remarks>
internal static class ResponseIds
{
    /// <summary>Digits after the prefix.</summary>
    public const int Digits = 32;

    /// <summary>A new id with <paramref name="prefix"/>.</summary>
    public static string New(string prefix)
    {
        Span<byte> random = stackalloc byte[Digits / 2];
        RandomNumberGenerator.Fill(random);
        return prefix + Convert.ToHexStringLower(random);
    }

    /// <summary>Writes a new id with <paramref name="prefix"/> into <paramref name="destination"/>; returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> prefix, Span<byte> destination)
    {
        Span<byte> random = stackalloc byte[Digits / 2];
        RandomNumberGenerator.Fill(random);
        prefix.CopyTo(destination);
        const string Hex = "0123456789abcdef";
        for (var i = 0; i < random.Length; i++)
        {
            destination[prefix.Length + (2 * i)] = (byte)Hex[random[i] >> 4];
            destination[prefix.Length + (2 * i) + 1] = (byte)Hex[random[i] & 0xF];
        }

        return prefix.Length + Digits;
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a response id (so that a malformed one is a 404 without a lookup).</summary>
    public static bool IsResponseId(string id)
        => id.Length == "resp_".Length + Digits && id.StartsWith("resp_", StringComparison.Ordinal)
            && !id.AsSpan("resp_".Length).ContainsAnyExcept("0123456789abcdef");
}
