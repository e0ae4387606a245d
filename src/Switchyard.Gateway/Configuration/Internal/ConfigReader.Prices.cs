using System.Collections.Immutable;
using System.Globalization;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>prices:</c>: prices per model that override or extend the built-in catalog.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] ModelPriceKeys = ["input", "output", "cached_input", "reasoning", "checked"];
    private const string PricesExample = "prices: { gpt-4o: { input: 2.00, output: 8.00, cached_input: 1.00, checked: 2026-01-15 } }";

    /// <summary>The models <c>prices:</c> names, normalised as the catalog normalises them (for routes' baselines).</summary>
    private readonly HashSet<string> _pricedModels = new(StringComparer.Ordinal);

    private ImmutableArray<ModelPriceConfig> ReadPrices(Section top)
    {
        if (Value(top, "prices") is not { } node || IsNull(node))
        {
            return [];
        }

        var prices = ImmutableArray.CreateBuilder<ModelPriceConfig>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ReadNamed(node, "prices", PricesExample))
        {
            var path = Join("prices", entry.Name);
            var normal = Economics.PriceCatalog.Normalise(entry.Name);
            if (seen.TryGetValue(normal, out var first))
            {
                Error(entry.Key, path, $"names the same model as '{first}' ({normal}: a provider prefix and a date suffix are ignored). Keep one of them.");
                continue;
            }

            seen[normal] = entry.Name;
            _pricedModels.Add(normal);
            if (ReadSection(entry.Value, path, entry.Key.Start, ModelPriceKeys, "{ input: 2.00, output: 8.00 }") is not { } section)
            {
                continue;
            }

            double input = -1, output = -1, cached = -1, reasoning = -1;
            var ok = TryReadNumber(section, "input", 0, MaxPrice, ref input)
                & TryReadNumber(section, "output", 0, MaxPrice, ref output)
                & TryReadNumber(section, "cached_input", 0, MaxPrice, ref cached)
                & TryReadNumber(section, "reasoning", 0, MaxPrice, ref reasoning);
            foreach (var required in (string[])["input", "output"])
            {
                if (Value(section, required) is null)
                {
                    Error(section.Owner, Join(path, required), $"is required: dollars per million {required} tokens, e.g. {PricesExample}.");
                    ok = false;
                }
            }

            DateOnly? checkedOn = null;
            if (Value(section, "checked") is { } checkedNode)
            {
                var text = Scalar(checkedNode, Join(path, "checked"), "a date, YYYY-MM-DD");
                if (text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    checkedOn = date;
                }
                else
                {
                    if (text is not null)
                    {
                        Error(checkedNode, Join(path, "checked"), $"expected the date the price was checked as YYYY-MM-DD (e.g. 2026-01-15) but found '{Truncate(text)}'.");
                    }

                    ok = false;
                }
            }

            if (ok)
            {
                prices.Add(new ModelPriceConfig
                {
                    Model = entry.Name,
                    Input = input,
                    Output = output,
                    CachedInput = cached >= 0 ? cached : null,
                    Reasoning = reasoning >= 0 ? reasoning : null,
                    Checked = checkedOn,
                });
            }
        }

        return prices.ToImmutable();
    }
}
