using System.Collections.Frozen;

namespace Switchyard.Gateway.Economics;

/// <summary>
/// List prices of well-known API models, in US dollars per million tokens, each with the date it was checked against its
/// provider's pricing page. An external deployment without <c>pricing:</c> takes its model's entry; the configuration's
/// <c>prices:</c> section overrides an entry or adds a model, and a deployment's own <c>pricing:</c> always wins
/// (negotiated discounts, batch tiers, newer prices). Names match after normalising: lower case, a provider prefix
/// (<c>openai/</c>) and a date suffix (<c>-2024-08-06</c>, <c>-20250514</c>) removed.
/// </summary>
public static class PriceCatalog
{
    /// <summary>One model's list price.</summary>
    /// <param name="Model">The model's name as its provider spells it.</param>
    /// <param name="Input">Dollars per million input tokens.</param>
    /// <param name="Output">Dollars per million output tokens.</param>
    /// <param name="CachedInput">Dollars per million cached input tokens (a prompt-cache read).</param>
    /// <param name="CheckedOn">When this entry was last checked against the provider's pricing page.</param>
    public readonly record struct Entry(string Model, double Input, double Output, double CachedInput, DateOnly CheckedOn);

    // Each entry says when it was checked: a list price is only as good as its date.
    private static readonly DateOnly November2025 = new(2025, 11, 30);

    private static readonly Entry[] Entries =
    [
        new("gpt-4o", 2.50, 10.00, 1.25, November2025),
        new("gpt-4o-mini", 0.15, 0.60, 0.075, November2025),
        new("gpt-4.1", 2.00, 8.00, 0.50, November2025),
        new("gpt-4.1-mini", 0.40, 1.60, 0.10, November2025),
        new("gpt-4.1-nano", 0.10, 0.40, 0.025, November2025),
        new("gpt-5", 1.25, 10.00, 0.125, November2025),
        new("gpt-5-mini", 0.25, 2.00, 0.025, November2025),
        new("gpt-5-nano", 0.05, 0.40, 0.005, November2025),
        new("o3", 2.00, 8.00, 0.50, November2025),
        new("o4-mini", 1.10, 4.40, 0.275, November2025),
        new("gpt-4-turbo", 10.00, 30.00, 10.00, November2025),
        new("gpt-4", 30.00, 60.00, 30.00, November2025),
        new("gpt-3.5-turbo", 0.50, 1.50, 0.50, November2025),
        new("text-embedding-3-small", 0.02, 0, 0.02, November2025),
        new("text-embedding-3-large", 0.13, 0, 0.13, November2025),
        new("claude-opus-4-1", 15.00, 75.00, 1.50, November2025),
        new("claude-opus-4", 15.00, 75.00, 1.50, November2025),
        new("claude-sonnet-4-5", 3.00, 15.00, 0.30, November2025),
        new("claude-sonnet-4", 3.00, 15.00, 0.30, November2025),
        new("claude-3-7-sonnet", 3.00, 15.00, 0.30, November2025),
        new("claude-3-5-sonnet", 3.00, 15.00, 0.30, November2025),
        new("claude-haiku-4-5", 1.00, 5.00, 0.10, November2025),
        new("claude-3-5-haiku", 0.80, 4.00, 0.08, November2025),
        new("gemini-2.5-pro", 1.25, 10.00, 0.31, November2025),
        new("gemini-2.5-flash", 0.30, 2.50, 0.075, November2025),
        new("mistral-large", 2.00, 6.00, 2.00, November2025),
    ];

    private static readonly FrozenDictionary<string, Entry> ByName = Entries.ToFrozenDictionary(e => e.Model, StringComparer.Ordinal);

    /// <summary>Every entry, in catalog order.</summary>
    public static IReadOnlyList<Entry> All => Entries;

    /// <summary>The list price of <paramref name="model"/>, if the catalog has it.</summary>
    public static bool TryFind(string model, out Entry entry) => ByName.TryGetValue(Normalise(model), out entry);

    /// <summary>Lower case, without a provider prefix or a dated snapshot suffix: <c>openai/GPT-4o-2024-08-06</c> is <c>gpt-4o</c>.</summary>
    public static string Normalise(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        // -2024-08-06 (OpenAI), -20250514 (Anthropic), -latest
        if (name.EndsWith("-latest", StringComparison.Ordinal))
        {
            name = name[..^"-latest".Length];
        }

        if (name.Length > 11 && name[^11] == '-' && IsDate(name.AsSpan(name.Length - 10), dashed: true))
        {
            name = name[..^11];
        }
        else if (name.Length > 9 && name[^9] == '-' && IsDate(name.AsSpan(name.Length - 8), dashed: false))
        {
            name = name[..^9];
        }

        return name;
    }

    private static bool IsDate(ReadOnlySpan<char> text, bool dashed)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var dash = dashed && (i == 4 || i == 7);
            if (dash ? text[i] != '-' : !char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
