using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Forwarding;
using Switchyard.Storage.Escalations;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>
/// Reads a file of labelled outcomes (<c>switchyard dataset import</c>, <c>switchyard router eval --data</c>): JSON lines,
/// each a prompt and a quality score per tier.
/// </summary>
/// <remarks>
/// <code>
/// {"prompt": "What is 17 x 23?", "scores": {"open": 0, "frontier": 1}}
/// {"messages": [{"role": "user", "content": "..."}], "label": "code", "scores": {"open": 0.4, "frontier": 0.9}}
/// </code>
/// <c>prompt</c> (a string) or <c>messages</c> (OpenAI chat messages) is required, <c>label</c> is optional (a tag the router
/// sees as a feature), <c>scores</c> maps tier names to a quality in [0, 1] (1/0 for right/wrong). The weak tier is the
/// first key unless named, the strong one the last; the cheap tier failed when its score is below the pass mark. Every
/// problem is reported with its line; one bad line fails the whole file, so nothing half-read is stored.
/// </remarks>
internal static class LabelledOutcomeReader
{
    /// <summary>One line of the file, read.</summary>
    public readonly record struct Outcome(string Prompt, string? Label, double WeakScore, double StrongScore);

    /// <summary>Reads every line, or returns the problems (<c>file:line: what</c>), at most 20.</summary>
    public static (List<Outcome> Outcomes, List<string> Errors) Read(string path, string? weak, string? strong)
    {
        var outcomes = new List<Outcome>();
        var errors = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (TryRead(line, weak, strong, out var outcome, out var problem))
            {
                outcomes.Add(outcome);
            }
            else if (errors.Count < 20)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: {problem}"));
            }
        }

        if (outcomes.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{path}: the file holds no outcomes (one JSON object a line: {{\"prompt\": \"...\", \"scores\": {{\"open\": 0, \"frontier\": 1}}}}).");
        }

        return (outcomes, errors);
    }

    /// <summary>The outcomes as samples to store, the cheap tier failing below <paramref name="passMark"/>.</summary>
    public static IEnumerable<OutcomeSample> AsSamples(IEnumerable<Outcome> outcomes, double passMark, string? route, DateTimeOffset now)
        => outcomes.Select(o => new OutcomeSample
        {
            Timestamp = now,
            Source = "import",
            Route = route,
            Label = o.Label,
            Prompt = o.Prompt,
            CheapFailed = o.WeakScore < passMark,
            CheapScore = o.WeakScore,
            StrongScore = o.StrongScore,
        });

    private static bool TryRead(string line, string? weak, string? strong, out Outcome outcome, out string? problem)
    {
        outcome = default;
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            problem = $"not valid JSON ({e.Message})";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "expected a JSON object with prompt (or messages) and scores";
                return false;
            }

            string prompt;
            if (root.TryGetProperty("prompt", out var text) && text.ValueKind == JsonValueKind.String)
            {
                prompt = text.GetString()!;
            }
            else if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                // The same text the gateway would read from a live request with these messages.
                var body = Encoding.UTF8.GetBytes("{\"messages\":" + messages.GetRawText() + "}");
                prompt = RouterPrompt.Of(body, EndpointKind.ChatCompletions);
            }
            else
            {
                problem = "needs \"prompt\" (a string) or \"messages\" (a list of chat messages)";
                return false;
            }

            if (prompt.Length == 0)
            {
                problem = "the prompt is empty";
                return false;
            }

            string? label = null;
            if (root.TryGetProperty("label", out var labelValue))
            {
                if (labelValue.ValueKind != JsonValueKind.String)
                {
                    problem = "label must be a string (a tag such as \"code\")";
                    return false;
                }

                label = labelValue.GetString();
            }

            if (!root.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
            {
                problem = "needs \"scores\": an object of tier names to a quality in [0, 1], e.g. {\"open\": 0, \"frontier\": 1}";
                return false;
            }

            var names = scores.EnumerateObject().Select(p => p.Name).ToList();
            if (names.Count < 2)
            {
                problem = "scores needs at least two tiers (the weak and the strong)";
                return false;
            }

            var weakName = weak ?? names[0];
            var strongName = strong ?? names[^1];
            if (!TryScore(scores, weakName, out var weakScore, out problem) || !TryScore(scores, strongName, out var strongScore, out problem))
            {
                return false;
            }

            outcome = new Outcome(prompt, label, weakScore, strongScore);
            return true;
        }
    }

    private static bool TryScore(JsonElement scores, string tier, out double score, out string? problem)
    {
        score = 0;
        problem = null;
        if (!scores.TryGetProperty(tier, out var value))
        {
            problem = $"scores has no tier '{tier}' (it has {string.Join(", ", scores.EnumerateObject().Select(p => p.Name))}); name the tiers with --weak and --strong";
            return false;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out score) || score is < 0 or > 1 || double.IsNaN(score))
        {
            problem = $"scores.{tier} must be a number from 0 to 1, but is {value.GetRawText()}";
            return false;
        }

        return true;
    }
}
