using System.Text.Json;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Economics;

/// <summary>
/// The fields of a cost report's row, as <c>switchyard costs --format csv|json</c> and <c>/admin/costs</c> write them:
/// one list, so the CLI and the admin API say the same thing under the same names.
/// </summary>
internal static class CostReport
{
    /// <summary>The fields of a row, in order (after the group's keys).</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "requests", "uncosted", "estimated", "input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens",
        "cost_usd", "escalated_cost_usd", "checks_cost_usd", "failed_cost_usd", "extra_cost_usd", "spent_usd", "baseline_cost_usd", "saved_usd",
    ];

    /// <summary>A row's values in the order of <see cref="Fields"/>: a count, or dollars.</summary>
    public static IEnumerable<(long? Count, double Dollars)> Values(CostSummaryRow row) =>
    [
        (row.Requests, 0), (row.Uncosted, 0), (row.Estimated, 0), (row.InputTokens, 0), (row.OutputTokens, 0), (row.CachedTokens, 0), (row.ReasoningTokens, 0),
        (null, row.Cost), (null, row.EscalatedCost), (null, row.ChecksCost), (null, row.FailedCost), (null, row.ExtraCost), (null, row.Spent), (null, row.BaselineCost), (null, row.Saved),
    ];

    /// <summary>Writes <paramref name="row"/> as a JSON object: its keys under <paramref name="names"/>, then every field.</summary>
    public static void Write(Utf8JsonWriter json, IReadOnlyList<string> names, CostSummaryRow row)
    {
        json.WriteStartObject();
        for (var i = 0; i < names.Count; i++)
        {
            json.WriteString(names[i], row.Keys[i]);
        }

        foreach (var (name, (count, dollars)) in Fields.Zip(Values(row)))
        {
            if (count is { } n)
            {
                json.WriteNumber(name, n);
            }
            else
            {
                json.WriteNumber(name, dollars);
            }
        }

        json.WriteEndObject();
    }
}
