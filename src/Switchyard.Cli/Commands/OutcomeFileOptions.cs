using System.CommandLine;
using System.Globalization;
using Switchyard.Gateway.Quality.Datasets;

namespace Switchyard.Cli.Commands;

/// <summary>
/// The options of every verb that reads a labelled-outcome file (<c>dataset import</c>, <c>router eval --data</c>), so that
/// a file reads the same way for both.
/// </summary>
internal sealed class OutcomeFileOptions
{
    public Option<string?> Weak { get; } = new("--weak")
    {
        Description = "The cheap model: its tier in \"scores\", or its column (RouterBench: meta/llama-2-70b-chat; RouteLLM: mixtral_score), or its name in battles. Default: the first of two.",
    };

    public Option<string?> Strong { get; } = new("--strong")
    {
        Description = "The strong model, named like --weak (e.g. gpt-4-1106-preview). Default: the last of two.",
    };

    public Option<string> Format { get; } = CreateFormat();

    public Option<string> ScoreScale { get; } = CreateScale();

    public IEnumerable<Option> All => [Weak, Strong, Format, ScoreScale];

    public LabelledOutcomeOptions Read(ParseResult result) => new()
    {
        Weak = result.GetValue(Weak),
        Strong = result.GetValue(Strong),
        Format = result.GetValue(Format) switch
        {
            "jsonl" => LabelledOutcomeFormat.JsonLines,
            "json" => LabelledOutcomeFormat.JsonArray,
            "csv" => LabelledOutcomeFormat.Csv,
            _ => LabelledOutcomeFormat.Auto,
        },
        ScoreScale = result.GetValue(ScoreScale) is "auto" or null ? null : double.Parse(result.GetValue(ScoreScale)!, CultureInfo.InvariantCulture),
    };

    private static Option<string> CreateFormat()
    {
        var option = new Option<string>("--format")
        {
            Description = "auto (.csv is CSV; a file starting with [ a JSON array, with { JSON lines), jsonl, json or csv.",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "jsonl", "json", "csv");
        return option;
    }

    private static Option<string> CreateScale()
    {
        var option = new Option<string>("--score-scale")
        {
            Description = "The score that means perfect: auto (per column, by its largest score: 1, 10 or 100), 1, 5 (RouteLLM's 1-5 judge), 10 (MT-Bench's 1-10 judge) or 100.",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "1", "5", "10", "100");
        return option;
    }
}
