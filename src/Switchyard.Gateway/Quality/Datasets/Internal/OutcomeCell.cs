using System.Globalization;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// One field of an outcome row, typed the same way whether it came from JSON or CSV: a CSV field is always a string, so
/// <c>"0.8"</c>, <c>"1"</c>, <c>"true"</c> and <c>""</c> must mean what <c>0.8</c>, <c>1</c>, <c>true</c> and <c>null</c> mean in JSON.
/// </summary>
internal readonly record struct OutcomeCell(OutcomeCellKind Kind, double Number, string Text)
{
    /// <summary>Longer text is not kept: it is a model's answer, never a score, a model name or a verdict.</summary>
    private const int MaxKeptText = 200;

    public static OutcomeCell Null => new(OutcomeCellKind.Null, 0, "");

    /// <summary>The field as it reads in an error message.</summary>
    public string Shown => Kind switch
    {
        OutcomeCellKind.Null => "null",
        OutcomeCellKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        OutcomeCellKind.Text => JsonSerializer.Serialize(Text),
        _ => Text,
    };

    public static OutcomeCell Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.True => new(OutcomeCellKind.Number, 1, ""),
        JsonValueKind.False => new(OutcomeCellKind.Number, 0, ""),
        JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number) => new(OutcomeCellKind.Number, number, ""),
        JsonValueKind.String => Of(value.GetString()!),
        _ => new(OutcomeCellKind.Other, 0, Shorten(value.GetRawText())),
    };

    /// <summary>A string field: a number, a boolean, an empty or missing value (as pandas and Python write them), or text.</summary>
    public static OutcomeCell Of(string value)
    {
        var text = value.Trim();
        if (text.Length == 0 || text is "null" or "NULL" or "None" or "NaN" or "nan" or "NA" or "N/A" or "n/a")
        {
            return Null;
        }

        if (bool.TryParse(text, out var flag))
        {
            return new(OutcomeCellKind.Number, flag ? 1 : 0, "");
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return new(OutcomeCellKind.Number, number, "");
        }

        return new(OutcomeCellKind.Text, 0, Shorten(text));
    }

    private static string Shorten(string text) => text.Length <= MaxKeptText ? text : text[..MaxKeptText] + "...";
}
