using System.Collections.Frozen;

namespace Switchyard.Registry.Licenses;

/// <summary>
/// The licences the registry knows, and the alias table that turns what a card or a GGUF file declares into one of them.
/// </summary>
/// <remarks>
/// <code>
/// (license, license_name) ──► license missing, "other" or "unknown"? ──yes──► resolve license_name (or null)
///                                      │ no
///                                      ▼
///                             alias key of license ──► known? ──► terms
///                                      │ no
///                                      ▼
///                             SPDX expression (A OR B, A AND B, A WITH exception, parentheses) ──► terms or null
///                                      │ null
///                                      ▼
///                             resolve license_name (or null)
/// </code>
/// An alias key is the text lower-cased with every character but letters, digits and <c>+</c> dropped, after a leading
/// <c>LicenseRef-</c>: <c>Llama-3.1</c>, <c>llama3_1</c> and <c>LicenseRef-llama3.1</c> all become <c>llama31</c>. A key
/// that matches nothing is tried again without a trailing "license agreement", "agreement" or "license". Of the
/// alternatives of an <c>OR</c>, the least restrictive known one applies (the deployer may choose it); of the parts of an
/// <c>AND</c>, the most restrictive, and an unknown part makes the whole unknown. An instance is immutable and thread-safe.
/// </remarks>
public sealed partial class LicenseCatalog
{
    private static readonly string[] Suffixes = ["licenseagreement", "agreement", "license"];

    private readonly FrozenDictionary<string, LicenseTerms> _byKey;
    private readonly FrozenDictionary<string, int> _order;

    /// <summary>The built-in catalog: every row of the policy table, the Hub's licence ids and the custom slugs seen on cards.</summary>
    public static LicenseCatalog Default { get; } = new(BuiltInTerms(), BuiltInModels());

    /// <summary>A catalog of <paramref name="terms"/> (ids and alias keys unique) and model-level rules (first match wins).</summary>
    /// <exception cref="ArgumentException">Two licences share an id or an alias key, or a rule names a licence not in <paramref name="terms"/>.</exception>
    public LicenseCatalog(IEnumerable<LicenseTerms> terms, IEnumerable<ModelLicenseRule>? models = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var all = terms.ToArray();
        var byKey = new Dictionary<string, LicenseTerms>(StringComparer.Ordinal);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < all.Length; i++)
        {
            var entry = all[i];
            if (!order.TryAdd(entry.Id, i))
            {
                throw new ArgumentException($"Licence id '{entry.Id}' appears twice in the catalog.", nameof(terms));
            }

            foreach (var spelling in entry.Aliases.Prepend(entry.Name).Prepend(entry.Id))
            {
                var key = Key(spelling);
                if (key.Length == 0)
                {
                    throw new ArgumentException($"Alias '{spelling}' of '{entry.Id}' has no letters or digits.", nameof(terms));
                }

                if (byKey.TryGetValue(key, out var other) && !ReferenceEquals(other, entry))
                {
                    throw new ArgumentException($"Alias '{spelling}' of '{entry.Id}' also means '{other.Id}' (key '{key}').", nameof(terms));
                }

                byKey[key] = entry;
            }
        }

        var rules = (models ?? []).ToArray();
        foreach (var rule in rules)
        {
            if (!order.ContainsKey(rule.LicenseId))
            {
                throw new ArgumentException($"Model rule '{rule.Pattern}' names licence '{rule.LicenseId}', which is not in the catalog.", nameof(models));
            }
        }

        All = all;
        Models = rules;
        _byKey = byKey.ToFrozenDictionary(StringComparer.Ordinal);
        _order = order.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every licence, in catalog order (the order of the policy table, then the Hub's other ids).</summary>
    public IReadOnlyList<LicenseTerms> All { get; }

    /// <summary>The model-level rows of the policy table, in matching order.</summary>
    public IReadOnlyList<ModelLicenseRule> Models { get; }

    /// <summary>The licence whose canonical id is <paramref name="id"/> (exactly), or null.</summary>
    public LicenseTerms? Get(string id) => _order.TryGetValue(id, out var index) ? All[index] : null;

    /// <summary>The first model-level rule matching <paramref name="modelId"/>, or null.</summary>
    public ModelLicenseRule? FindModel(string modelId)
    {
        foreach (var rule in Models)
        {
            if (rule.Matches(modelId))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// The terms a card's <c>license</c> and <c>license_name</c> (or a bare slug, or a GGUF SPDX expression) declare; null
    /// when the licence is missing, <c>unknown</c>, <c>other</c> without a known <c>license_name</c>, or not in the catalog.
    /// </summary>
    public LicenseTerms? Resolve(string? license, string? licenseName = null)
    {
        var primary = string.IsNullOrWhiteSpace(license) ? null : license;
        if (primary is null || IsPlaceholder(primary))
        {
            return ResolveText(licenseName);
        }

        return ResolveText(primary) ?? ResolveText(licenseName);
    }

    /// <summary>The canonical id of what <see cref="Resolve"/> finds, or null.</summary>
    public string? Normalise(string? license, string? licenseName = null) => Resolve(license, licenseName)?.Id;

    /// <summary>
    /// A catalog with <paramref name="replacements"/> in place of the licences of the same id (new ids are appended), and
    /// <paramref name="models"/> matched before the existing rules: how configuration overrides the built-in rows.
    /// </summary>
    public LicenseCatalog With(IEnumerable<LicenseTerms> replacements, IEnumerable<ModelLicenseRule>? models = null)
    {
        var terms = All.ToList();
        foreach (var replacement in replacements)
        {
            var index = terms.FindIndex(t => t.Id == replacement.Id);
            if (index >= 0)
            {
                terms[index] = replacement;
            }
            else
            {
                terms.Add(replacement);
            }
        }

        return new LicenseCatalog(terms, (models ?? []).Concat(Models));
    }

    /// <summary>The alias key of <paramref name="text"/>: lower-case letters, digits and <c>+</c>, without a leading <c>LicenseRef-</c>.</summary>
    internal static string Key(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.StartsWith("licenseref", StringComparison.OrdinalIgnoreCase))
        {
            span = span["licenseref".Length..];
        }

        Span<char> buffer = span.Length <= 256 ? stackalloc char[span.Length] : new char[span.Length];
        var length = 0;
        foreach (var c in span)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '+')
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    private static bool IsPlaceholder(string license)
    {
        var key = Key(license);
        return key is "other" or "unknown" or "none" or "noassertion";
    }

    private LicenseTerms? ResolveText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || IsPlaceholder(text))
        {
            return null;
        }

        return Lookup(text) ?? ResolveExpression(text);
    }

    private LicenseTerms? Lookup(string text)
    {
        var key = Key(text);
        if (_byKey.TryGetValue(key, out var terms))
        {
            return terms;
        }

        foreach (var suffix in Suffixes)
        {
            if (key.Length > suffix.Length && key.EndsWith(suffix, StringComparison.Ordinal)
                && _byKey.TryGetValue(key[..^suffix.Length], out terms))
            {
                return terms;
            }
        }

        return null;
    }

    /// <summary>Orders licences from least to most restrictive: by class, then by catalog order.</summary>
    private int Restrictiveness(LicenseTerms terms) => ((int)terms.Class * 100_000) + _order[terms.Id];
}
