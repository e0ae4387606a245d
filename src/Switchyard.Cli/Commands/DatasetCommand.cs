using System.CommandLine;
using System.Globalization;
using Switchyard.Gateway.Quality.Datasets;
using Switchyard.Storage.Escalations;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard dataset export</c>: escalation records as fine-tuning data (OpenAI chat JSONL, ShareGPT, Alpaca), with
/// filters, de-duplication, optional redaction of personal data and a seeded train/validation split; every line written is
/// read back and checked before the command reports success.
/// </summary>
internal static class DatasetCommand
{
    private static readonly (string Word, DatasetFormat Format)[] Formats =
        [("openai", DatasetFormat.OpenAI), ("sharegpt", DatasetFormat.ShareGpt), ("alpaca", DatasetFormat.Alpaca)];

    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var db = EscalationsCommand.Store();
        var format = new Option<string>("--format")
        {
            Description = "openai (chat fine-tuning JSONL), sharegpt or alpaca.",
            DefaultValueFactory = _ => "openai",
        };
        format.AcceptOnlyFromAmong([.. Formats.Select(f => f.Word)]);
        var output = new Option<string>("--output", "-o") { Description = "Where to write the training examples (JSONL).", Required = true };
        var validationOutput = new Option<string?>("--validation-output") { Description = "Where to write the validation examples (default: the output's name with .validation before .jsonl)." };
        var share = new Option<double>("--validation-share") { Description = "Share of examples held out for validation, 0 to 0.5.", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the train/validation split.", DefaultValueFactory = _ => 42 };
        var route = new Option<string?>("--route") { Description = "Only escalations of this route." };
        var since = CliOptions.Time("--since", "Only escalations at or after this time", time);
        var until = CliOptions.Time("--until", "Only escalations before this time", time);
        var review = new Option<string?>("--review") { Description = "good, unreviewed, bad or any (default: all but those reviewed bad)." };
        review.AcceptOnlyFromAmong("good", "unreviewed", "bad", "any");
        var minScore = new Option<double?>("--min-score") { Description = "Only escalations whose final answer scored at least this (0 to 1)." };
        var minJudge = new Option<double?>("--min-judge-score") { Description = "Only escalations whose cheap answer the judge model scored at least this (0 to 1); unjudged ones are left out." };
        var maxJudge = new Option<double?>("--max-judge-score") { Description = "Only escalations whose cheap answer the judge model scored at most this (0 to 1), e.g. 0.3 for the clear failures." };
        var noDedupe = new Option<bool>("--no-dedupe") { Description = "Keep every example, not only the newest of each normalised prompt." };
        var redact = new Option<bool>("--redact-pii") { Description = "Replace personal data (e-mail, phone, card, IBAN, national ids) with its kind, e.g. [EMAIL]." };
        var unimproved = new Option<bool>("--include-unimproved") { Description = "Also export escalations that found no better answer." };
        var source = new Option<string>("--source")
        {
            Description = "escalations (the quality gate's), shadow (shadow comparisons the incumbent won: its answer to the prompt) or all.",
            DefaultValueFactory = _ => "escalations",
        };
        source.AcceptOnlyFromAmong("escalations", "shadow", "all");

        var export = db.AddTo(new Command("export", "Write escalation records as a fine-tuning dataset, the better answer as the assistant's turn.")
        {
            format, output, validationOutput, share, seed, route, since, until, review, minScore, minJudge, maxJudge, noDedupe, redact, unimproved, source,
        });
        foreach (var score in new[] { minScore, minJudge, maxJudge })
        {
            score.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double?>() is < 0 or > 1)
                {
                    r.AddError($"{r.Option.Name} must be between 0 and 1.");
                }
            });
        }

        share.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 0.5)
            {
                r.AddError("--validation-share must be between 0 and 0.5.");
            }
        });

        export.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var console = pr.InvocationConfiguration.Output;
            await using var opened = await EscalationsCommand.OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var reviewFilter = pr.GetValue(review);
            IReadOnlyList<EscalationRecord> records;
            try
            {
                records = store.Query(new EscalationQuery
                {
                    Limit = int.MaxValue,
                    Route = pr.GetValue(route),
                    Since = CliOptions.TimeValue(pr, since, time),
                    Until = CliOptions.TimeValue(pr, until, time),
                    Review = reviewFilter is null or "any" ? null : reviewFilter,
                    MinScore = pr.GetValue(minScore),
                    MinJudgeScore = pr.GetValue(minJudge),
                    MaxJudgeScore = pr.GetValue(maxJudge),
                });
            }
            catch (Exception e) when (Storage.Stores.IsFailure(e))
            {
                error.WriteLine($"Could not read the escalation records: {e.Message}");
                return 1;
            }

            if (reviewFilter is null)
            {
                records = [.. records.Where(r => r.Review != "bad")];
            }

            var from = pr.GetValue(source);
            if (from != "escalations" && ShadowRecords(pr, error, opened.Stores.Shadow, pr.GetValue(route), CliOptions.TimeValue(pr, since, time), CliOptions.TimeValue(pr, until, time), pr.GetValue(minScore), pr.GetValue(minJudge), pr.GetValue(maxJudge)) is { } shadow)
            {
                // Shadow comparisons are never reviewed: --review good (or bad) leaves them out.
                shadow = reviewFilter is "good" or "bad" ? [] : shadow;
                // Newest first across both sources: de-duplication keeps the newest example of a prompt.
                records = from == "shadow" ? shadow : [.. records.Concat(shadow).OrderByDescending(r => r.Timestamp)];
            }
            else if (from != "escalations")
            {
                return 1;
            }

            var chosen = Formats.First(f => f.Word == pr.GetValue(format)).Format;
            var result = DatasetExporter.Export(records, new DatasetOptions
            {
                Format = chosen,
                Dedupe = !pr.GetValue(noDedupe),
                RedactPii = pr.GetValue(redact),
                ValidationShare = pr.GetValue(share),
                Seed = pr.GetValue(seed),
                IncludeUnimproved = pr.GetValue(unimproved),
                Source = from switch { "shadow" => "shadow comparisons the incumbent won", "all" => "escalation records and shadow comparisons the incumbent won", _ => "escalation records" },
            });

            var trainPath = Path.GetFullPath(pr.GetValue(output)!);
            var validationPath = pr.GetValue(validationOutput) is { } explicitPath
                ? Path.GetFullPath(explicitPath)
                : Path.Combine(Path.GetDirectoryName(trainPath)!, Path.GetFileNameWithoutExtension(trainPath) + ".validation" + (Path.GetExtension(trainPath) is { Length: > 0 } ext ? ext : ".jsonl"));
            try
            {
                Write(trainPath, result.Train);
                if (result.Validation.Count > 0)
                {
                    Write(validationPath, result.Validation);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"Could not write the dataset: {e.Message}");
                return 1;
            }

            // Read back what was written, as a trainer would.
            var problems = Check(trainPath, chosen);
            if (result.Validation.Count > 0)
            {
                problems += Check(validationPath, chosen);
            }

            if (problems is { Length: > 0 })
            {
                error.WriteLine($"The written dataset does not read back as {pr.GetValue(format)}: {problems}");
                return 1;
            }

            console.WriteLine(result.Summary.ToString());
            console.WriteLine($"Wrote {trainPath}" + (result.Validation.Count > 0 ? $" and {validationPath}" : "") + $" ({pr.GetValue(format)}; read back and checked).");
            return 0;
        });

        return new Command("dataset", "Fine-tuning datasets from escalation records, and labelled outcomes for the learned router.") { export, Import(time) };
    }

    /// <summary>
    /// The shadow comparisons the incumbent won, as records (the same filters: route, time, the final (incumbent's) score,
    /// the cheap (candidate's) judge score); <see langword="null"/> after saying why they cannot be read.
    /// </summary>
    private static IReadOnlyList<EscalationRecord>? ShadowRecords(ParseResult pr, TextWriter error, Storage.Shadow.IShadowStore store, string? route, DateTimeOffset? since, DateTimeOffset? until, double? minScore, double? minJudge, double? maxJudge)
    {
        IReadOnlyList<Storage.Shadow.ShadowComparison> comparisons;
        try
        {
            comparisons = store.Query(route, since, until);
        }
        catch (Exception e) when (Storage.Stores.IsFailure(e))
        {
            error.WriteLine($"Could not read the shadow comparisons: {e.Message}");
            return null;
        }

        var records = Gateway.Shadow.ShadowDataset.IncumbentWins(comparisons.Reverse(), out var withoutText)
            .Where(r => (minScore is null || r.FinalScore >= minScore)
                && (minJudge is null || r.CheapJudgeScore >= minJudge)
                && (maxJudge is null || r.CheapJudgeScore <= maxJudge))
            .ToList();
        if (withoutText > 0)
        {
            pr.InvocationConfiguration.Output.WriteLine($"{withoutText} shadow comparisons the incumbent won kept no text (shadow.record_text: false) and are left out.");
        }

        return records;
    }

    /// <summary><c>switchyard dataset import</c>: labelled outcomes (a prompt and a score per tier) into the store, for <c>router train</c>.</summary>
    private static Command Import(TimeProvider time)
    {
        var db = EscalationsCommand.Store();
        var file = new Option<string>("--file", "-f")
        {
            Description = "The outcomes: JSON lines, a JSON array or CSV; {\"prompt\": \"...\", \"label\": \"code\", \"tags\": [\"team-a\"], \"scores\": {\"open\": 0, \"frontier\": 1}} (tags optional), "
                + "or a column per model (RouterBench, RouteLLM), battles (model_a, model_b, winner) or a row per prompt and model (prompt, model, score).",
            Required = true,
        };
        var reading = new OutcomeFileOptions();
        var passMark = new Option<double>("--pass-mark") { Description = "The cheap tier failed when its score (normalised to 0-1) is below this.", DefaultValueFactory = _ => 0.5 };
        var route = new Option<string?>("--route") { Description = "The route the outcomes belong to (router train --route reads them)." };
        var command = db.AddTo(new Command("import", "Import labelled outcomes (a prompt and a quality per tier) for the learned router.") { file, passMark, route });
        foreach (var option in reading.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var path = Path.GetFullPath(pr.GetValue(file)!);
            if (!File.Exists(path))
            {
                error.WriteLine($"No file at {path}.");
                return 1;
            }

            var result = LabelledOutcomeReader.Read(path, reading.Read(pr));
            var outcomes = result.Outcomes;
            if (result.Errors.Count > 0)
            {
                foreach (var problem in result.Errors)
                {
                    error.WriteLine(problem);
                }

                error.WriteLine("Nothing was imported.");
                return 1;
            }

            // The database is created if missing: importing comes before any traffic in a new installation.
            await using var opened = await db.OpenAsync(pr, time, s => s.Escalations, null, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            pr.InvocationConfiguration.Output.WriteLine(result.Summary);
            var mark = pr.GetValue(passMark);
            var count = store.AddSamples(LabelledOutcomeReader.AsSamples(outcomes, mark, pr.GetValue(route), time.GetUtcNow()));
            var failed = outcomes.Count(o => o.WeakScore < mark);
            pr.InvocationConfiguration.Output.WriteLine($"Imported {count} outcomes into {opened.Stores.Description}: the cheap tier failed {failed} ({100.0 * failed / count:0.#}%), passed {count - failed}.");
            return 0;
        });
        return command;
    }

    internal static void Write(string path, IReadOnlyList<string> lines)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        foreach (var line in lines)
        {
            writer.Write(line);
            writer.Write('\n');
        }
    }

    /// <summary>Every line of the file checked against the format; the problems, or an empty string.</summary>
    internal static string Check(string path, DatasetFormat format)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (DatasetExporter.Validate(line, format) is { } problem)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: {problem}");
            }
        }

        return "";
    }
}
