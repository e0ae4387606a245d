using System.Globalization;
using System.Text;
using Switchyard.Gateway.Quality.Datasets.Internal;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>The shapes of outcome rows: which fields are the weak and the strong model's scores.</summary>
internal static partial class LabelledOutcomeReader
{
    /// <summary>
    /// Fields that are never a model's score column, though they may hold numbers: ids, turns, costs, and the fields of the
    /// battle and long shapes. pandas writes its index as an unnamed first column (or <c>Unnamed: 0</c>).
    /// </summary>
    private static readonly HashSet<string> NotModels = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "id", "sample_id", "question_id", "prompt_id", "conversation_id", "turn", "index", "idx", "split", "language",
        "oracle_model_to_route_to", "source", "dataset", "answer", "reference", "gold", "target", "model", "score", "judge",
        "model_a", "model_b", "winner", "winner_model_a", "winner_model_b", "winner_tie", "tstamp", "timestamp", "cost",
    };

    private enum Shape
    {
        Nested,
        Flat,
        Battle,
        Long,
    }

    /// <summary>A row with both its scores, before they are scaled.</summary>
    private readonly record struct Scored(int Line, string Prompt, string? Label, string? Tags, string WeakColumn, double Weak, string StrongColumn, double Strong);

    private static LabelledOutcomeResult Interpret(string path, List<OutcomeRow> rows, LabelledOutcomeOptions options, LabelledOutcomeFormat format, OutcomeErrors errors)
    {
        var first = rows[0];
        var shape = first.Scores is not null ? Shape.Nested
            : first.Has("model_a") && first.Has("model_b") ? Shape.Battle
            : first.Has("model") && first.Has("score") ? Shape.Long
            : Shape.Flat;
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var scored = shape switch
        {
            Shape.Nested => Nested(rows, options, errors, skipped),
            Shape.Battle => Battles(rows, options, errors, skipped),
            Shape.Long => Long(rows, options, errors, skipped),
            _ => Flat(rows, options, errors, skipped),
        };
        if (errors.Count > 0)
        {
            return Failed(errors);
        }

        // Battles are won or lost: 1 or 0 whatever the scale.
        var scales = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in scored)
        {
            foreach (var (column, score) in (ReadOnlySpan<(string, double)>)[(row.WeakColumn, row.Weak), (row.StrongColumn, row.Strong)])
            {
                scales[column] = Math.Max(scales.GetValueOrDefault(column), score);
                if (shape != Shape.Battle && options.ScoreScale is null && score > 100)
                {
                    errors.Add(row.Line, string.Create(CultureInfo.InvariantCulture,
                        $"{column} is {score}, above the largest scale (scores run 0 to 1, 0 to 10 or 0 to 100); fix the score, or set --score-scale to the score that means perfect"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return Failed(errors);
        }

        foreach (var column in scales.Keys)
        {
            scales[column] = shape == Shape.Battle ? 1 : options.ScoreScale ?? (scales[column] switch { <= 1 => 1, <= 10 => 10, _ => 100 });
        }

        var outcomes = scored.Select(r => new Outcome(r.Prompt, r.Label, r.Tags, r.Weak / scales[r.WeakColumn], r.Strong / scales[r.StrongColumn])).ToList();
        if (outcomes.Count == 0)
        {
            errors.AddFile($"no row has a score for both models ({Skips(skipped)}); check --weak and --strong name the columns that hold the scores.");
            return Failed(errors);
        }

        return new LabelledOutcomeResult { Outcomes = outcomes, Errors = [], Summary = Summary(path, shape, format, options, scored, scales, skipped, outcomes.Count) };
    }

    /// <summary>Our shape: <c>{"prompt": ..., "scores": {"open": 0, "frontier": 1}}</c>, the tiers named or first and last.</summary>
    private static List<Scored> Nested(List<OutcomeRow> rows, LabelledOutcomeOptions options, OutcomeErrors errors, SortedDictionary<string, int> skipped)
    {
        var scored = new List<Scored>();
        foreach (var row in rows)
        {
            if (row.Scores is not { } scores)
            {
                errors.Add(row.Line, "needs \"scores\": an object of tier names to a quality, e.g. {\"open\": 0, \"frontier\": 1} (the rows before it have one)");
                continue;
            }

            var names = scores.Select(s => s.Key).ToList();
            if (names.Count < 2 && (options.Weak is null || options.Strong is null))
            {
                errors.Add(row.Line, "scores needs at least two tiers (the weak and the strong)");
                continue;
            }

            var weak = options.Weak is null ? names[0] : Match(options.Weak, names);
            var strong = options.Strong is null ? names[^1] : Match(options.Strong, names);
            if (weak is null || strong is null)
            {
                errors.Add(row.Line, $"scores has no tier '{(weak is null ? options.Weak : options.Strong)}' (it has {string.Join(", ", names)}); name the tiers with --weak and --strong");
                continue;
            }

            Pair(row, weak, scores.First(s => s.Key == weak).Value, $"scores.{weak}", strong, scores.First(s => s.Key == strong).Value, $"scores.{strong}", options, errors, skipped, scored);
        }

        return scored;
    }

    /// <summary>
    /// RouterBench's shape (and RouteLLM's judge data): one row a prompt, a column per model,
    /// <c>{"prompt": ..., "gpt-4-1106-preview": 1.0, "meta/llama-2-70b-chat": 0.0, "gpt-4-1106-preview|total_cost": ...}</c>.
    /// </summary>
    private static List<Scored> Flat(List<OutcomeRow> rows, LabelledOutcomeOptions options, OutcomeErrors errors, SortedDictionary<string, int> skipped)
    {
        var all = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var notScores = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var numeric = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            foreach (var (name, cell) in row.Fields)
            {
                if (seen.Add(name))
                {
                    all.Add(name);
                }

                if (cell.Kind == OutcomeCellKind.Number)
                {
                    numeric.Add(name);
                }
                else if (cell.Kind != OutcomeCellKind.Null)
                {
                    notScores.Add(name);
                }
            }
        }

        var models = all.Where(n => numeric.Contains(n) && !notScores.Contains(n) && !IsMetadata(n)).ToList();
        if (!Choose(options, models, all, "column", "model columns", first: rows[0].Line, errors, out var weak, out var strong))
        {
            return [];
        }

        var scored = new List<Scored>();
        foreach (var row in rows)
        {
            Pair(row, weak, row.Field(weak) ?? OutcomeCell.Null, weak, strong, row.Field(strong) ?? OutcomeCell.Null, strong, options, errors, skipped, scored);
        }

        return scored;
    }

    /// <summary>
    /// Pairwise judgements (LMSYS Arena, RouteLLM's battles): <c>{"prompt", "model_a", "model_b", "winner": "model_a" | "model_b"
    /// | "tie" | "tie (bothbad)"}</c> or <c>winner_model_a</c>/<c>winner_model_b</c>/<c>winner_tie</c> as 0/1. The winner scores 1,
    /// the loser 0; a tie is 1 for both, a tie where both were bad 0 for both. Battles between other models are skipped.
    /// </summary>
    private static List<Scored> Battles(List<OutcomeRow> rows, LabelledOutcomeOptions options, OutcomeErrors errors, SortedDictionary<string, int> skipped)
    {
        if (options.Weak is null || options.Strong is null)
        {
            var models = rows.SelectMany(r => (string[])[Text(r.Field("model_a")), Text(r.Field("model_b"))]).Where(m => m.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            errors.Add(rows[0].Line, $"these rows are battles (model_a, model_b, winner): name the two models to compare with --weak MODEL --strong MODEL; the models in them: {List(models)}");
            return [];
        }

        var scored = new List<Scored>();
        foreach (var row in rows)
        {
            var a = Text(row.Field("model_a"));
            var b = Text(row.Field("model_b"));
            bool weakIsA;
            if (SameModel(a, options.Weak) && SameModel(b, options.Strong))
            {
                weakIsA = true;
            }
            else if (SameModel(b, options.Weak) && SameModel(a, options.Strong))
            {
                weakIsA = false;
            }
            else
            {
                Skip(skipped, "battles between other models");
                continue;
            }

            if (!TryWinner(row, a, b, out var scoreA, out var scoreB, out var problem))
            {
                errors.Add(row.Line, problem);
                continue;
            }

            scored.Add(new Scored(row.Line, row.Prompt, row.Label, row.Tags, "battle", weakIsA ? scoreA : scoreB, "battle", weakIsA ? scoreB : scoreA));
        }

        return scored;
    }

    /// <summary>One row per prompt and model, as judge outputs are written: <c>{"prompt", "model", "score"}</c>.</summary>
    private static List<Scored> Long(List<OutcomeRow> rows, LabelledOutcomeOptions options, OutcomeErrors errors, SortedDictionary<string, int> skipped)
    {
        var models = new List<string>();
        var prompts = new Dictionary<string, (OutcomeRow First, Dictionary<string, (OutcomeCell Score, int Line)> Scores)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            var model = Text(row.Field("model"));
            if (model.Length == 0)
            {
                errors.Add(row.Line, "needs \"model\": the name of the model the score is for (the rows before it have one)");
                continue;
            }

            if (!models.Contains(model, StringComparer.OrdinalIgnoreCase))
            {
                models.Add(model);
            }

            // MT-Bench asks two turns of one question: each is its own prompt.
            var key = row.Prompt + "\0" + (row.Field("turn") is { } turn ? turn.Shown : "");
            if (!prompts.TryGetValue(key, out var entry))
            {
                entry = (row, new Dictionary<string, (OutcomeCell, int)>(StringComparer.OrdinalIgnoreCase));
                prompts[key] = entry;
                order.Add(key);
            }

            if (entry.Scores.TryGetValue(model, out var earlier))
            {
                errors.Add(row.Line, string.Create(CultureInfo.InvariantCulture, $"a second score of '{model}' for this prompt (the first is on line {earlier.Line}); keep one row per prompt and model"));
                continue;
            }

            entry.Scores[model] = (row.Field("score") ?? OutcomeCell.Null, row.Line);
        }

        if (errors.Count > 0 || !Choose(options, models, models, "model", "models", rows[0].Line, errors, out var weak, out var strong))
        {
            return [];
        }

        var scored = new List<Scored>();
        foreach (var key in order)
        {
            var (row, scores) = prompts[key];
            var weakScore = scores.TryGetValue(weak, out var w) ? w.Score : OutcomeCell.Null;
            var strongScore = scores.TryGetValue(strong, out var s) ? s.Score : OutcomeCell.Null;
            var line = scores.TryGetValue(weak, out var wl) && scores.TryGetValue(strong, out var sl) ? Math.Max(wl.Line, sl.Line) : row.Line;
            Pair(new OutcomeRow { Line = line, Prompt = row.Prompt, Label = row.Label, Tags = row.Tags, Fields = [] }, weak, weakScore, $"score of {weak}", strong, strongScore, $"score of {strong}", options, errors, skipped, scored);
        }

        return scored;
    }

    /// <summary>Both scores of a row checked: added, skipped (a null), or an error.</summary>
    private static void Pair(OutcomeRow row, string weak, OutcomeCell weakCell, string weakShown, string strong, OutcomeCell strongCell, string strongShown,
        LabelledOutcomeOptions options, OutcomeErrors errors, SortedDictionary<string, int> skipped, List<Scored> scored)
    {
        var weakOk = TryScore(weakCell, weakShown, options.ScoreScale, out var weakScore, out var weakProblem);
        var strongOk = TryScore(strongCell, strongShown, options.ScoreScale, out var strongScore, out var strongProblem);
        if (!weakOk || !strongOk)
        {
            errors.Add(row.Line, (weakProblem ?? strongProblem)!);
            return;
        }

        if (weakScore is not { } w || strongScore is not { } s)
        {
            Skip(skipped, weakScore is null && strongScore is null ? "no score for either model" : $"no score for {(weakScore is null ? weak : strong)}");
            return;
        }

        scored.Add(new Scored(row.Line, row.Prompt, row.Label, row.Tags, weak, w, strong, s));
    }

    /// <summary>A score: a number of 0 or more, true/false (1/0) or a string of one; null when there is none.</summary>
    private static bool TryScore(OutcomeCell cell, string shown, double? scale, out double? score, out string? problem)
    {
        score = null;
        problem = null;
        switch (cell.Kind)
        {
            case OutcomeCellKind.Null:
                return true;
            case OutcomeCellKind.Number when cell.Number < 0:
                problem = $"{shown} must be a score of 0 or more (0 to 1, 0 to 10 or 0 to 100), but is {cell.Shown}";
                return false;
            case OutcomeCellKind.Number when cell.Number > scale:
                problem = string.Create(CultureInfo.InvariantCulture, $"{shown} is {cell.Shown}, above --score-scale {scale}; fix the score or the scale");
                return false;
            case OutcomeCellKind.Number:
                score = cell.Number;
                return true;
            default:
                problem = $"{shown} must be a score: a number (0 to 1, 0 to 10 or 0 to 100), true or false, or null (or empty) for none; but is {cell.Shown}";
                return false;
        }
    }

    /// <summary>The weak and the strong column: the ones named, or the only two there are.</summary>
    private static bool Choose(LabelledOutcomeOptions options, List<string> candidates, List<string> all, string noun, string nouns, int first, OutcomeErrors errors,
        out string weak, out string strong)
    {
        weak = strong = "";
        string? w = null, s = null;
        foreach (var (requested, flag) in (ReadOnlySpan<(string?, string)>)[(options.Weak, "--weak"), (options.Strong, "--strong")])
        {
            if (requested is null)
            {
                continue;
            }

            if (Match(requested, all) is not { } found)
            {
                errors.Add(first, $"{flag} {requested}: no {noun} of that name; the {nouns}: {List(candidates)}");
                return false;
            }

            if (flag == "--weak")
            {
                w = found;
            }
            else
            {
                s = found;
            }
        }

        if (w is null || s is null)
        {
            var others = candidates.Where(c => c != w && c != s).ToList();
            if (w is null && s is null && others.Count == 2)
            {
                (w, s) = (others[0], others[1]);
            }
            else if ((w is null) != (s is null) && others.Count == 1)
            {
                w ??= others[0];
                s ??= others[0];
            }
            else
            {
                errors.Add(first, others.Count < 2 && w is null && s is null
                    ? $"found {others.Count} {noun}(s) with scores ({List(others)}); a row needs a score for two models: \"scores\": {{\"open\": 0, \"frontier\": 1}}, or a column per model (\"llama-3-8b\": 0, \"gpt-4o\": 1)"
                    : $"{others.Count} {nouns} ({List(others)}): name the two to compare with --weak MODEL --strong MODEL");
                return false;
            }
        }

        if (string.Equals(w, s, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(first, $"--weak and --strong both name '{w}'; name two different {nouns}");
            return false;
        }

        weak = w;
        strong = s;
        return true;
    }

    /// <summary>
    /// The column a flag names: exactly, ignoring case, with a score suffix (<c>mixtral</c> for <c>mixtral_score</c>), or
    /// without the organisation (<c>llama-2-70b-chat</c> for <c>meta/llama-2-70b-chat</c>) when only one column fits.
    /// </summary>
    private static string? Match(string requested, List<string> names)
    {
        if (names.Find(n => n == requested) is { } exact)
        {
            return exact;
        }

        string[] forms = [requested, requested + "_score", requested + "-score", requested + " score", "score_" + requested];
        foreach (var form in forms)
        {
            if (names.Find(n => string.Equals(n, form, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                return found;
            }
        }

        var byModel = names.Where(n => SameModel(n, requested)).ToList();
        return byModel.Count == 1 ? byModel[0] : null;
    }

    private static bool SameModel(string name, string requested)
        => string.Equals(name, requested, StringComparison.OrdinalIgnoreCase)
            || (name.LastIndexOf('/') is var slash and >= 0 && name.AsSpan(slash + 1).Equals(requested, StringComparison.OrdinalIgnoreCase));

    private static bool IsMetadata(string name)
        => NotModels.Contains(name) || name.StartsWith("Unnamed:", StringComparison.Ordinal) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("cost", StringComparison.OrdinalIgnoreCase) || name.EndsWith("tokens", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("latency", StringComparison.OrdinalIgnoreCase);

    private static bool TryWinner(OutcomeRow row, string a, string b, out double scoreA, out double scoreB, out string problem)
    {
        scoreA = scoreB = 0;
        problem = "";
        if (row.Field("winner") is { Kind: OutcomeCellKind.Text } winner)
        {
            var text = winner.Text;
            (scoreA, scoreB) = text.ToLowerInvariant() switch
            {
                "model_a" or "a" => (1, 0),
                "model_b" or "b" => (0, 1),
                "tie" => (1, 1),
                "tie (bothbad)" or "tie_bothbad" or "bothbad" or "both_bad" => (0, 0),
                _ when string.Equals(text, a, StringComparison.OrdinalIgnoreCase) => (1, 0),
                _ when string.Equals(text, b, StringComparison.OrdinalIgnoreCase) => (0, 1),
                _ => (-1, -1),
            };
            if (scoreA >= 0)
            {
                return true;
            }

            problem = $"winner must be model_a, model_b, tie or tie (bothbad) (or one of the two models' names), but is {winner.Shown}";
            return false;
        }

        var winA = row.Field("winner_model_a") is { Kind: OutcomeCellKind.Number } wa && wa.Number > 0;
        var winB = row.Field("winner_model_b") is { Kind: OutcomeCellKind.Number } wb && wb.Number > 0;
        var tie = row.Field("winner_tie") is { Kind: OutcomeCellKind.Number } wt && wt.Number > 0;
        if ((winA ? 1 : 0) + (winB ? 1 : 0) + (tie ? 1 : 0) != 1)
        {
            problem = "needs the battle's result: \"winner\": \"model_a\" | \"model_b\" | \"tie\" | \"tie (bothbad)\", or exactly one of winner_model_a, winner_model_b and winner_tie set to 1";
            return false;
        }

        (scoreA, scoreB) = winA ? (1, 0) : winB ? (0, 1) : (1, 1);
        return true;
    }

    private static string Text(OutcomeCell? cell) => cell is { Kind: OutcomeCellKind.Text } c ? c.Text : cell is { Kind: OutcomeCellKind.Number } n ? n.Shown : "";

    private static void Skip(SortedDictionary<string, int> skipped, string why) => skipped[why] = skipped.GetValueOrDefault(why) + 1;

    private static string Skips(SortedDictionary<string, int> skipped)
        => skipped.Count == 0 ? "none skipped" : string.Join(", ", skipped.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value} skipped: {s.Key}")));

    private static string List(List<string> names)
        => names.Count == 0 ? "none" : string.Join(", ", names.Take(20)) + (names.Count > 20 ? string.Create(CultureInfo.InvariantCulture, $" and {names.Count - 20} more") : "");

    private static string Summary(string path, Shape shape, LabelledOutcomeFormat format, LabelledOutcomeOptions options, List<Scored> scored,
        Dictionary<string, double> scales, SortedDictionary<string, int> skipped, int count)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Read {count} outcomes from {Path.GetFileName(path)} (")
            .Append(format switch { LabelledOutcomeFormat.Csv => "CSV", LabelledOutcomeFormat.JsonArray => "a JSON array", _ => "JSON lines" })
            .Append(", ")
            .Append(shape switch
            {
                Shape.Nested => "a scores object a row",
                Shape.Flat => "a column per model",
                Shape.Battle => "battles",
                _ => "a row per prompt and model",
            })
            .Append("): ");
        if (shape == Shape.Battle)
        {
            text.Append(CultureInfo.InvariantCulture, $"weak {options.Weak}, strong {options.Strong}, the winner scoring 1 and the loser 0");
        }
        else
        {
            var weak = scored.Select(r => r.WeakColumn).Distinct().ToList();
            var strong = scored.Select(r => r.StrongColumn).Distinct().ToList();
            text.Append("weak ").Append(Scaled(weak, scales)).Append(", strong ").Append(Scaled(strong, scales))
                .Append(options.ScoreScale is null ? " (scale chosen by the largest score; --score-scale sets it)" : " (--score-scale)");
            if (weak.Concat(strong).Select(c => scales[c]).Distinct().Count() > 1)
            {
                text.Append("; the columns are on different scales: if they share one, set --score-scale");
            }
        }

        if (skipped.Count > 0)
        {
            text.Append("; ").Append(Skips(skipped));
        }

        return text.Append('.').ToString();
    }

    private static string Scaled(List<string> columns, Dictionary<string, double> scales)
        => string.Join(" / ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} on 0-{scales[c]}")));
}
