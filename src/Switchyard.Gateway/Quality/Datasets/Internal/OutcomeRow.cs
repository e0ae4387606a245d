namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// A row of an outcome file, read but not yet interpreted: the prompt, the label, the nested <c>scores</c> when it has them,
/// and every other short field (model columns, <c>model_a</c>, <c>winner</c>, ...). Which of those are scores is decided for
/// the whole file afterwards.
/// </summary>
internal sealed class OutcomeRow
{
    public required int Line { get; init; }

    public required string Prompt { get; init; }

    public string? Label { get; init; }

    /// <summary>The row's other tags, comma-separated (a <c>tags</c> field: a list of strings or one comma-separated string).</summary>
    public string? Tags { get; init; }

    /// <summary>The <c>scores</c> object's tiers, in the file's order, or null when the row has none.</summary>
    public List<KeyValuePair<string, OutcomeCell>>? Scores { get; init; }

    /// <summary>The other fields, in the file's order; names with <c>|</c> (RouterBench's per-model extras) are left out.</summary>
    public required List<KeyValuePair<string, OutcomeCell>> Fields { get; init; }

    public bool Has(string name) => Fields.Exists(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));

    public OutcomeCell? Field(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }

        return null;
    }
}
