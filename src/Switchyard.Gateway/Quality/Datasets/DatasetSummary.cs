using System.Globalization;
using System.Text;
using Switchyard.Storage.Escalations;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>Counts for the export's summary.</summary>
internal sealed class DatasetSummary
{
    public int Read { get; set; }

    /// <summary>What was read, in words (<c>escalation records</c>).</summary>
    public string Source { get; set; } = "escalation records";

    public int Duplicates { get; set; }

    public int Train { get; set; }

    public int Validation { get; set; }

    public int ImagesDropped { get; set; }

    public long PromptTokens { get; private set; }

    public long AnswerTokens { get; private set; }

    public SortedDictionary<string, int> Skipped { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> ByRoute { get; } = new(StringComparer.Ordinal);

    public void Skip(string why) => Skipped[why] = Skipped.GetValueOrDefault(why) + 1;

    public void Count(EscalationRecord record)
    {
        ByRoute[record.Route] = ByRoute.GetValueOrDefault(record.Route) + 1;
        PromptTokens += record.FinalInputTokens ?? 0;
        AnswerTokens += record.FinalOutputTokens ?? 0;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Read} {Source} read; {Train} train and {Validation} validation examples written");
        text.Append(CultureInfo.InvariantCulture, $"; {Duplicates} duplicate prompts dropped");
        foreach (var (why, count) in Skipped)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {count} skipped: {why}");
        }

        if (ImagesDropped > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {ImagesDropped} non-text content parts dropped");
        }

        text.Append(CultureInfo.InvariantCulture, $".\nTokens (as the upstream counted them): {PromptTokens:N0} prompt, {AnswerTokens:N0} answer.");
        text.Append("\nBy route: ").Append(ByRoute.Count == 0 ? "none" : string.Join(", ", ByRoute.Select(r => $"{r.Key} {r.Value}")));
        return text.ToString();
    }
}
