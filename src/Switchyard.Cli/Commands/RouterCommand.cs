using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Quality.Datasets;
using Switchyard.Gateway.Routing.Learned;
using Switchyard.Storage.Escalations;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard router train</c> and <c>switchyard router eval</c>: the router that learns, from the gateway's own
/// escalations and outcome samples (or imported outcomes), which requests the cheap tier will fail, so that a route with
/// <c>router:</c> sends them straight to the frontier.
/// </summary>
internal static class RouterCommand
{
    private const string DefaultModelPath = "switchyard.router";

    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time) => new("router", "Train and evaluate the router that sends the requests the cheap tier would fail straight to the frontier.")
    {
        Train(time),
        Eval(),
    };

    private static Command Train(TimeProvider time)
    {
        var db = EscalationsCommand.Store();
        var output = new Option<string>("--output", "-o") { Description = "Where to write the trained router.", DefaultValueFactory = _ => DefaultModelPath };
        var route = new Option<string?>("--route") { Description = "Only the escalations and outcomes of this route." };
        var since = CliOptions.Time("--since", "Only examples at or after this time", time);
        var share = new Option<double>("--frontier-share") { Description = "Share of requests the router should send straight to the frontier (calibrates its threshold), 0.01 to 0.9.", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffles and the held-out split.", DefaultValueFactory = _ => 42 };
        var command = db.AddTo(new Command("train", "Learn from escalation records and outcome samples which prompts the cheap tier fails.") { output, route, since, share, seed });
        share.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0.01 or > 0.9)
            {
                r.AddError("--frontier-share must be between 0.01 and 0.9.");
            }
        });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var console = pr.InvocationConfiguration.Output;
            await using var opened = await EscalationsCommand.OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            List<RouterExample> examples;
            try
            {
                examples = Examples(store, pr.GetValue(route), CliOptions.TimeValue(pr, since, time));
            }
            catch (System.Data.Common.DbException e)
            {
                error.WriteLine($"Could not read the examples: {e.Message}");
                return 1;
            }

            if (RouterTrainingRun.Insufficient(examples) is { } insufficient)
            {
                error.WriteLine(insufficient);
                error.WriteLine("Serve traffic on a route with a quality gate (escalations are failures; quality.sample_passed keeps a share of the passes), or import labelled outcomes with `switchyard dataset import`.");
                return 1;
            }

            var positives = examples.Count(e => e.CheapFailed);
            var options = new RouterTrainingOptions { TargetShare = pr.GetValue(share), Seed = pr.GetValue(seed), Source = opened.Stores.Description, Time = time };
            var (router, heldOut, heldOutAuroc, seconds) = RouterTrainingRun.Train(examples, options);
            var heldOutLine = heldOut == examples.Count
                ? string.Create(CultureInfo.InvariantCulture, $"5-fold cross-validated: AUROC {heldOutAuroc ?? double.NaN:0.000}, threshold calibrated on those scores")
                : heldOut > 0
                ? string.Create(CultureInfo.InvariantCulture, $"on the {heldOut} held out: AUROC {heldOutAuroc ?? double.NaN:0.000}, threshold calibrated there")
                : "too few of one kind to hold some out: trained and calibrated on all of them";
            var path = Path.GetFullPath(pr.GetValue(output)!);
            try
            {
                using var file = File.Create(path);
                router.Save(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"Could not write {path}: {e.Message}");
                return 1;
            }

            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{examples.Count} examples ({positives} where the cheap tier failed); trained on {router.Info.Examples} in {seconds:0.00} s, training AUROC {router.Info.TrainingAuroc:0.000}; {heldOutLine}."));
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Threshold {router.Threshold:0.000}: about {router.TargetShare:P0} of requests like these go straight to the frontier. Wrote {path}."));
            console.WriteLine($"Use it on a route: router: {{ model: {Path.GetFileName(path)} }}   (switchyard router eval --data FILE --model {Path.GetFileName(path)} compares it with baselines)");
            return 0;
        });
        return command;
    }

    private static Command Eval()
    {
        var data = new Option<string>("--data") { Description = "Labelled outcomes, in any shape switchyard dataset import reads (JSON lines, a JSON array or CSV).", Required = true };
        var model = new Option<string>("--model") { Description = "The trained router.", DefaultValueFactory = _ => DefaultModelPath };
        var reading = new OutcomeFileOptions();
        var command = new Command("eval", "Compare the router with a random router (its expected figures) and a prompt-length router: PGR, APGR, CPT(50%), CPT(80%), AUROC (RouteLLM's metrics).") { data, model };
        foreach (var option in reading.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult pr) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var dataPath = Path.GetFullPath(pr.GetValue(data)!);
            var modelPath = Path.GetFullPath(pr.GetValue(model)!);
            if (!File.Exists(dataPath) || !File.Exists(modelPath))
            {
                error.WriteLine($"No file at {(File.Exists(dataPath) ? modelPath : dataPath)}." + (File.Exists(dataPath) ? " Train one with `switchyard router train`." : ""));
                return 1;
            }

            EscalationRouter router;
            try
            {
                using var file = File.OpenRead(modelPath);
                router = EscalationRouter.Load(file);
            }
            catch (RouterFileException e)
            {
                error.WriteLine($"{modelPath}: {e.Message}");
                return 1;
            }

            var read = LabelledOutcomeReader.Read(dataPath, reading.Read(pr));
            if (read.Errors.Count > 0)
            {
                foreach (var problem in read.Errors)
                {
                    error.WriteLine(problem);
                }

                return 1;
            }

            var outcomes = read.Outcomes;

            var trained = outcomes.Select(o => new RoutedItem(router.Predict(o.Prompt, RouterTags.Combine(o.Label, o.Tags)), o.WeakScore, o.StrongScore)).ToList();
            // The random router's figures are its expectation (PGR equals the call share), not one seeded draw's luck.
            var results = new (string Name, RoutingEvaluation Evaluation)[]
            {
                ("trained router", RoutingMetrics.Evaluate(trained)),
                ("random (expected)", RoutingMetrics.RandomExpectation(trained)),
                ("prompt length", RoutingMetrics.Evaluate([.. outcomes.Select(o => new RoutedItem(o.Prompt.Length, o.WeakScore, o.StrongScore))])),
            };
            var console = CliConsole.Create(pr.InvocationConfiguration.Output);
            console.WriteLine(read.Summary);
            var first = results[0].Evaluation;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcomes.Count} outcomes from {dataPath}: weak tier quality {first.WeakMean:0.000}, strong {first.StrongMean:0.000}."));
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in (string[])["router", "APGR", "CPT(50%)", "CPT(80%)", "AUROC", "PGR at 10% / 20% / 30% / 50% strong calls"])
            {
                table.AddColumn(column);
            }

            foreach (var (name, evaluation) in results)
            {
                table.AddRow(
                    name,
                    F(evaluation.Apgr),
                    evaluation.Cpt50 is { } c50 ? c50.ToString("P1", CultureInfo.InvariantCulture) : "-",
                    evaluation.Cpt80 is { } c80 ? c80.ToString("P1", CultureInfo.InvariantCulture) : "-",
                    evaluation.Auroc is { } auroc ? F(auroc) : "-",
                    string.Join(" / ", ((double[])[0.1, 0.2, 0.3, 0.5]).Select(x => F(PgrAt(evaluation, x)))));
            }

            console.Write(table);
            console.WriteLine("PGR: the share of the quality gap between the weak and the strong model recovered; APGR: its average over every share of strong calls;");
            console.WriteLine("CPT(x%): the share of calls to the strong model needed to recover x% of the gap (lower is better); AUROC: how well the score ranks the weak model's failures.");
            return 0;
        });
        return command;
    }

    /// <summary>The best PGR reached with at most <paramref name="share"/> of the calls going to the strong model.</summary>
    private static double PgrAt(RoutingEvaluation evaluation, double share)
    {
        var best = double.NegativeInfinity;
        foreach (var point in evaluation.Curve)
        {
            if (point.CallShare <= share + 1e-9)
            {
                best = Math.Max(best, point.Pgr);
            }
        }

        return double.IsNegativeInfinity(best) ? 0 : best;
    }

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Every example the store holds: escalations (the cheap tier failed) and outcome samples, with their tags.</summary>
    internal static List<RouterExample> Examples(IEscalationStore store, string? route, DateTimeOffset? since)
    {
        var examples = new List<RouterExample>();
        foreach (var record in store.Query(new EscalationQuery { Route = route, Since = since, Limit = int.MaxValue }))
        {
            var endpoint = record.Endpoint == "completions" ? EndpointKind.Completions : EndpointKind.ChatCompletions;
            var prompt = RouterPrompt.Of(Encoding.UTF8.GetBytes(record.Request), endpoint);
            // A record written before tags were kept still has the client's metadata.tags in its request.
            var kept = record.Tags ?? RouterTags.FromStoredRequest(record.Request);
            examples.Add(new RouterExample(prompt, RouterTags.Combine(record.Label, kept), CheapFailed: true, record.CheapScore, record.FinalScore));
        }

        foreach (var sample in store.QuerySamples(route, since))
        {
            examples.Add(new RouterExample(sample.Prompt, RouterTags.Combine(sample.Label, sample.Tags), sample.CheapFailed, sample.CheapScore, sample.StrongScore));
        }

        return examples;
    }
}
