namespace Switchyard.Registry.Licenses;

/// <summary>
/// A model-level row of the policy table: the licence models matching <see cref="Pattern"/> are published under, such as
/// Qwen2.5-3B under <c>qwen-research</c> while its siblings are Apache-2.0.
/// </summary>
/// <param name="Pattern">A repository id, case-insensitive, where <c>*</c> matches any run of characters: <c>Qwen/Qwen2.5-3B-*</c>.</param>
/// <param name="LicenseId">The canonical id of the licence the table lists for these models.</param>
/// <param name="Source">Where the table takes it from.</param>
public sealed record ModelLicenseRule(string Pattern, string LicenseId, string Source)
{
    /// <summary>Whether the table marks the row "verify" (Gemma 4, DeepSeek-V3-0324): legal confirms the card.</summary>
    public bool NeedsLegalVerification { get; init; }

    /// <summary>What legal must verify, when <see cref="NeedsLegalVerification"/>.</summary>
    public string? VerificationNote { get; init; }

    /// <summary>Whether <paramref name="modelId"/> matches <see cref="Pattern"/>.</summary>
    public bool Matches(string modelId) => Glob(Pattern.AsSpan(), modelId.AsSpan());

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative glob with one backtrack point: linear enough for repository ids.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
