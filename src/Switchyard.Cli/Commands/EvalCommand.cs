using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Configuration.Internal;
using Switchyard.Gateway.Evaluation;
using Switchyard.Gateway.Evaluation.Reporting;
using Switchyard.Storage.Evaluation;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard eval</c>: run a suite of cases against several models through a gateway (<c>run</c>), report a run
/// (<c>report</c>), compare two runs for regressions (<c>compare</c>), and list runs (<c>list</c>).
/// </summary>
/// <remarks>
/// The cases go over HTTP to a gateway, a running one (<c>--gateway URL --key KEY</c>) or one started in this process from
/// a configuration (<c>--config FILE</c>), so keys, routing, failover, quality gates and prices apply as they would to an
/// application. A model is a route, or a deployment pinned within a route (<c>route@deployment</c>). Runs are stored where
/// <c>--db</c> (a SQLite file) or the configuration's <c>storage:</c> says, PostgreSQL too, so that a team's runs are
/// compared from one place whichever machine ran them.
/// </remarks>
internal static class EvalCommand
{
    private static readonly string[] Formats = ["table", "markdown", "json", "html"];

    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var root = new Command("eval", "Compare models on your own cases: quality, latency and cost, through the gateway.");
        root.Subcommands.Add(Run(time));
        root.Subcommands.Add(Report(time));
        root.Subcommands.Add(Compare(time));
        root.Subcommands.Add(List(time));
        return root;
    }

    private const string Holds = "the evaluation runs";

    /// <summary>What a command that reads runs says when the SQLite file it names does not exist.</summary>
    private const string NoRuns = "No database at {0}: no evaluation run was stored there.";

    /// <summary>The store <c>report</c>, <c>compare</c> and <c>list</c> read runs from: <c>--db</c> or <c>--config</c>'s <c>storage:</c>.</summary>
    private static StoreSelection Store() => new(Holds,
        "Run `switchyard eval run` first (it creates it), or point --db at the database it wrote (or --config at the configuration whose storage: it used).");

    private static Option<string> FormatOption(params string[] formats)
    {
        var option = new Option<string>("--format") { Description = string.Join(", ", formats) + " (default: table, or by the extension of -o).", DefaultValueFactory = _ => "" };
        option.AcceptOnlyFromAmong(["", .. formats]);
        return option;
    }

    private static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write the report to this file instead of the terminal." };

    private static Option<double> MinQualityOption()
    {
        var option = new Option<double>("--min-quality") { Description = "The pass rate whose lower 95% bound the cheapest model must reach (0 to 1).", DefaultValueFactory = _ => 0.8 };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 1)
            {
                r.AddError("--min-quality must be between 0 and 1.");
            }
        });
        return option;
    }

    private static Command Run(TimeProvider time)
    {
        var suite = new Option<string>("--suite", "-s") { Description = "The suite: a .jsonl (a case per line) or .yaml file (see the README, 'Evaluation suites').", Required = true };
        var models = new Option<string>("--models", "-m") { Description = "Comma-separated models: routes (chat) or deployments pinned within a route (chat@llama-70b).", Required = true };
        var gateway = new Option<string?>("--gateway") { Description = "A running gateway's URL (http://127.0.0.1:8080)." };
        var key = new Option<string?>("--key") { Description = "The gateway key to send (default: SWITCHYARD_API_KEY)." };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "The gateway's configuration. Without --gateway, a gateway is started from it in this process and evaluated through; "
                + "either way the results go to its storage: (SQLite or PostgreSQL) unless --db names a SQLite file.",
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var repeat = new Option<int>("--repeat") { Description = "Times each case is asked of each model.", DefaultValueFactory = _ => 1 };
        var retries = new Option<int>("--retries") { Description = "Retries after 429, 5xx or a broken connection (jittered exponential backoff, Retry-After honoured).", DefaultValueFactory = _ => 2 };
        var timeout = new Option<string>("--timeout") { Description = "How long one request may take (120s, 5m).", DefaultValueFactory = _ => "120s" };
        var judge = new Option<string?>("--judge") { Description = "The model that judges the suite's judge scorers (overrides the suite's judge.model)." };
        var db = CliStores.Database(Holds);
        var format = FormatOption(Formats);
        var output = OutputOption();
        var minQuality = MinQualityOption();
        var command = new Command("run", "Ask every case of a suite of every model through the gateway; store and report the results.")
        {
            suite, models, gateway, key, config, concurrency, repeat, retries, timeout, judge, db, format, output, minQuality,
        };
        foreach (var (option, min, max) in new[] { (concurrency, 1, 256), (repeat, 1, 100), (retries, 0, 10) })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
                {
                    r.AddError($"{r.Option.Name} must be between {min} and {max}.");
                }
            });
        }

        timeout.Validators.Add(r =>
        {
            var problem = DurationSyntax.TryParse(r.GetValueOrDefault<string>() ?? "", out var value);
            if (problem is not null || value <= TimeSpan.Zero)
            {
                r.AddError($"--timeout: {problem ?? "must be longer than 0"} (e.g. 120s, 5m).");
            }
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(gateway) is null && r.GetValue(config) is null)
            {
                r.AddError("Give either --gateway URL (a running gateway) or --config FILE (start one here); with both, the gateway at the URL is evaluated and --config's storage: keeps the results.");
            }
        });

        command.SetAction(async (pr, cancellationToken) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var stdout = pr.InvocationConfiguration.Output;
            var parsedModels = new List<EvalModel>();
            foreach (var text in pr.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!EvalModel.TryParse(text, out var model, out var problem))
                {
                    await error.WriteLineAsync($"--models: {problem}");
                    return 2;
                }

                if (parsedModels.Any(m => m.Name == model.Name))
                {
                    await error.WriteLineAsync($"--models: '{model.Name}' is listed twice.");
                    return 2;
                }

                parsedModels.Add(model);
            }

            if (parsedModels.Count == 0)
            {
                await error.WriteLineAsync("--models: name at least one route (chat) or pinned deployment (chat@llama-70b).");
                return 2;
            }

            EvalModel? judgeModel = null;
            if (pr.GetValue(judge) is { } judgeText)
            {
                if (!EvalModel.TryParse(judgeText, out judgeModel, out var problem))
                {
                    await error.WriteLineAsync($"--judge: {problem}");
                    return 2;
                }
            }

            var suitePath = pr.GetValue(suite)!;
            var read = SuiteReader.Read(suitePath, judgeModel);
            if (read.Suite is not { } loaded)
            {
                await error.WriteLineAsync($"{suitePath} has {read.Errors.Count} error(s); nothing was run:");
                foreach (var problem in read.Errors)
                {
                    await error.WriteLineAsync("  " + problem);
                }

                return 2;
            }

            var apiKey = pr.GetValue(key) ?? Environment.GetEnvironmentVariable("SWITCHYARD_API_KEY");
            GatewayConfig? gatewayConfig = null;
            var configPath = pr.GetValue(config);
            if (configPath is not null)
            {
                var configLoad = ConfigLoader.Load(configPath);
                if (!configLoad.Succeeded)
                {
                    await error.WriteLineAsync($"{configPath} has {configLoad.Errors.Length} error(s); nothing was run:");
                    foreach (var problem in configLoad.Errors)
                    {
                        await error.WriteLineAsync("  " + problem);
                    }

                    return 2;
                }

                gatewayConfig = configLoad.Config!;
            }

            Uri? url = null;
            if (pr.GetValue(gateway) is { } gatewayText)
            {
                if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
                {
                    await error.WriteLineAsync($"--gateway: '{gatewayText}' is not an http:// or https:// URL (e.g. http://127.0.0.1:8080).");
                    return 2;
                }
            }
            else if (gatewayConfig!.Auth.Keys == AuthMode.Required && apiKey is null)
            {
                await error.WriteLineAsync($"{configPath} requires keys (auth.keys: required): pass --key (a client key from `switchyard keys create`) or set SWITCHYARD_API_KEY.");
                return 2;
            }

            // The store first: one that cannot be opened stops the run before a gateway starts or a request is sent.
            if (CliStores.Resolve(pr.GetValue(db), null, error, gatewayConfig) is not { } storage)
            {
                return 2;
            }

            await using var opened = await CliStores.OpenAsync(storage, time, error, s => s.Evaluation, null, cancellationToken);
            if (opened is null)
            {
                return 1;
            }

            GatewayHost? host = null;
            Uri target;
            if (url is not null)
            {
                target = url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
            }
            else
            {
                try
                {
                    host = await GatewayHost.StartAsync(gatewayConfig!, new GatewayHostOptions { Urls = "http://127.0.0.1:0", WatchConfig = false, StopOnSignals = false }, cancellationToken);
                }
                catch (ConfigException e)
                {
                    await error.WriteLineAsync($"{configPath} has {e.Errors.Length} error(s) against the model registry; nothing was run:");
                    foreach (var problem in e.Errors)
                    {
                        await error.WriteLineAsync("  " + problem);
                    }

                    return 2;
                }

                target = host.BaseAddress;
            }

            // Ctrl-C and SIGTERM stop the run here, whether or not the invocation turns them into a cancelled token, and the
            // default termination is cancelled so that what was measured is stored and reported.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            await using (host)
            {
                return await RunAsync(pr, time, loaded, parsedModels, target, host is not null ? $"{target} (from {configPath})" : target.ToString(), apiKey, opened,
                    pr.GetValue(concurrency), pr.GetValue(repeat), pr.GetValue(retries), Duration(pr.GetValue(timeout)!), pr.GetValue(format)!, pr.GetValue(output), pr.GetValue(minQuality), stop.Token);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult pr, TimeProvider time, EvalSuite suite, List<EvalModel> models, Uri target, string targetText, string? key, CliStores.Opened<IEvalStore> opened,
        int concurrency, int repeat, int retries, TimeSpan timeout, string format, string? outputPath, double minQuality, CancellationToken cancellationToken)
    {
        var error = pr.InvocationConfiguration.Error;
        var store = opened.Store;

        var run = new EvalRunRecord
        {
            RunId = "run_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Started = time.GetUtcNow(),
            Status = "running",
            SuiteName = suite.Name,
            SuitePath = suite.Path,
            SuiteHash = suite.Hash,
            Cases = suite.Cases.Length,
            Models = [.. models.Select(m => m.Name)],
            Repeats = repeat,
            Target = targetText,
        };
        store.AddRun(run);
        await error.WriteLineAsync($"Run {run.RunId}: {suite.Cases.Length} cases x {models.Count} models x {repeat} through {target} ({concurrency} at once); results in {opened.Stores.Description}. Ctrl-C stops it and keeps what it measured.");

        // Up to this many results are written at once; the rest when the run ends (or stops).
        const int Batch = 25;
        var pending = new List<EvalResultRecord>(Batch);
        var saved = 0;
        void Save(EvalResultRecord result)
        {
            pending.Add(result);
            if (pending.Count >= Batch)
            {
                store.AddResults(pending);
                saved += pending.Count;
                pending.Clear();
            }
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new EvalRunner(new EvalClient(http, target, key, time, retries, timeout), time);
        bool complete;
        string status;
        try
        {
            complete = await WithProgressAsync(error, suite.Cases.Length * models.Count * repeat, progress =>
                runner.RunAsync(run.RunId, suite, models, repeat, concurrency, Save, progress, cancellationToken));
            status = complete ? "complete" : "cancelled";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"The run stopped: {e.Message}");
            complete = false;
            status = "failed";
        }
        finally
        {
            store.AddResults(pending);
            saved += pending.Count;
            pending.Clear();
        }

        store.FinishRun(run.RunId, status, time.GetUtcNow());
        if (!complete)
        {
            await error.WriteLineAsync($"Run {run.RunId} {status}: {saved} results kept, marked partial.");
        }

        var finished = store.FindRun(run.RunId, out _)!;
        var report = EvalReportBuilder.Build(finished, store.Results(run.RunId), minQuality);
        var written = await WriteReportAsync(pr, report, format, outputPath);
        if (written != 0)
        {
            return written;
        }

        var errors = store.Results(run.RunId).Count(r => r.Error is not null);
        if (errors > 0)
        {
            await error.WriteLineAsync($"{errors} of {saved} trials got no answer (they count as failed); `switchyard eval report {run.RunId} --format json` or the request log (`switchyard logs --errors`) says why.");
        }

        return complete ? 0 : 130;
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar on a terminal; elsewhere with a line at each tenth.</summary>
    private static async Task<bool> WithProgressAsync(TextWriter error, int total, Func<IProgress<EvalProgress>, Task<bool>> work)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            var lastTenth = 0;
            return await work(new SynchronousProgress(p =>
            {
                var tenth = p.Total == 0 ? 10 : p.Done * 10 / p.Total;
                if (tenth > lastTenth)
                {
                    lastTenth = tenth;
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Done}/{p.Total} trials, {p.Failed} failed, {p.Errors} without an answer"));
                }
            }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("evaluating", maxValue: total);
                return await work(new SynchronousProgress(p =>
                {
                    task.Value = p.Done;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Done}/{p.Total}, {p.Failed} failed{(p.Errors > 0 ? $", {p.Errors} errors" : "")}");
                }));
            });
    }

    private static Command Report(TimeProvider time)
    {
        var runId = new Argument<string>("run") { Description = "The run's id (run_..., a unique prefix, or latest)." };
        var db = Store();
        var format = FormatOption(Formats);
        var output = OutputOption();
        var minQuality = MinQualityOption();
        var command = db.AddTo(new Command("report", "Report a run: quality with 95% intervals, latency, time to first token, tokens and cost per model and use case.") { runId, format, output, minQuality });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await db.OpenAsync(pr, time, s => s.Evaluation, NoRuns, ct);
            if (opened?.Store is not { } store)
            {
                return 2;
            }

            if (await FindAsync(pr, store, pr.GetValue(runId)!) is not { } run)
            {
                return 2;
            }

            return await WriteReportAsync(pr, EvalReportBuilder.Build(run, store.Results(run.RunId), pr.GetValue(minQuality)), pr.GetValue(format)!, pr.GetValue(output));
        });
        return command;
    }

    private static Command Compare(TimeProvider time)
    {
        var a = new Argument<string>("run-a") { Description = "The earlier run (the baseline)." };
        var b = new Argument<string>("run-b") { Description = "The later run." };
        var db = Store();
        var format = FormatOption("table", "markdown", "json");
        var output = OutputOption();
        var command = db.AddTo(new Command("compare", "Compare two runs: quality regressions per model and use case (Fisher's exact test), latency and cost changes. Exit 1 when something regressed.") { a, b, format, output });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await db.OpenAsync(pr, time, s => s.Evaluation, NoRuns, ct);
            if (opened?.Store is not { } store)
            {
                return 2;
            }

            if (await FindAsync(pr, store, pr.GetValue(a)!) is not { } runA || await FindAsync(pr, store, pr.GetValue(b)!) is not { } runB)
            {
                return 2;
            }

            var comparison = EvalComparison.Build(EvalReportBuilder.Build(runA, store.Results(runA.RunId)), EvalReportBuilder.Build(runB, store.Results(runB.RunId)));
            var chosen = FormatFor(pr.GetValue(format)!, pr.GetValue(output));
            if (chosen == "html")
            {
                await pr.InvocationConfiguration.Error.WriteLineAsync("compare writes table, markdown or json; html is for a run's report.");
                return 2;
            }

            var written = await WriteAsync(pr, pr.GetValue(output), chosen, console => EvalTables.Write(console, comparison),
                () => chosen == "json" ? JsonReportWriter.Write(comparison) : MarkdownReportWriter.Write(comparison));
            return written != 0 ? written : comparison.Regressions.Any() ? 1 : 0;
        });
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var db = Store();
        var limit = new Option<int>("--limit", "-n") { Description = "Most runs to show.", DefaultValueFactory = _ => 20 };
        var command = db.AddTo(new Command("list", "List evaluation runs, newest first.") { limit });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await db.OpenAsync(pr, time, s => s.Evaluation, NoRuns, ct);
            if (opened?.Store is not { } store)
            {
                return 2;
            }

            var console = CliConsole.Create(pr.InvocationConfiguration.Output);
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Evaluation runs[/]");
            foreach (var column in new[] { "run", "started (UTC)", "status", "suite", "sha256", "cases", "models", "repeats" })
            {
                table.AddColumn(column);
            }

            foreach (var run in store.ListRuns(Math.Max(1, pr.GetValue(limit))))
            {
                table.AddRow(run.RunId, run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), run.Status, Markup.Escape(run.SuiteName),
                    run.SuiteHash[..12], run.Cases.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", run.Models)), run.Repeats.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return 0;
        });
        return command;
    }

    private static Task<int> WriteReportAsync(ParseResult pr, EvalReport report, string format, string? outputPath)
    {
        var chosen = FormatFor(format, outputPath);
        return WriteAsync(pr, outputPath, chosen, console => EvalTables.Write(console, report), () => chosen switch
        {
            "json" => JsonReportWriter.Write(report),
            "html" => HtmlReportWriter.Write(report),
            _ => MarkdownReportWriter.Write(report),
        });
    }

    /// <summary>The format asked for, or the one the output file's extension names, or a table.</summary>
    private static string FormatFor(string format, string? outputPath) => format.Length > 0 ? format : Path.GetExtension(outputPath ?? "").ToLowerInvariant() switch
    {
        ".json" => "json",
        ".html" or ".htm" => "html",
        ".md" or ".markdown" => "markdown",
        _ => outputPath is null ? "table" : "markdown",
    };

    private static async Task<int> WriteAsync(ParseResult pr, string? outputPath, string format, Action<IAnsiConsole> table, Func<string> text)
    {
        if (outputPath is null)
        {
            if (format == "table")
            {
                table(CliConsole.Create(pr.InvocationConfiguration.Output));
            }
            else
            {
                await pr.InvocationConfiguration.Output.WriteAsync(text());
            }

            return 0;
        }

        try
        {
            var full = Path.GetFullPath(outputPath);
            if (Path.GetDirectoryName(full) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            string content;
            if (format == "table")
            {
                using var writer = new StringWriter(CultureInfo.InvariantCulture);
                table(CliConsole.Create(writer));
                content = writer.ToString();
            }
            else
            {
                content = text();
            }

            await File.WriteAllTextAsync(full, content);
            await pr.InvocationConfiguration.Output.WriteLineAsync($"Wrote {full} ({format}).");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await pr.InvocationConfiguration.Error.WriteLineAsync($"Could not write {outputPath}: {e.Message}");
            return 1;
        }
    }

    private static async Task<EvalRunRecord?> FindAsync(ParseResult pr, IEvalStore store, string id)
    {
        if (store.FindRun(id, out var ambiguous) is { } run)
        {
            return run;
        }

        var recent = store.ListRuns(5).Select(r => r.RunId).ToList();
        await pr.InvocationConfiguration.Error.WriteLineAsync(ambiguous
            ? $"'{id}' matches several runs: give more of the id."
            : $"No run '{id}'. {(recent.Count == 0 ? "There are no runs yet." : "Recent runs: " + string.Join(", ", recent) + " (or latest).")}");
        return null;
    }

    private static TimeSpan Duration(string text)
    {
        DurationSyntax.TryParse(text, out var value);
        return value;
    }

    /// <summary>Reports on the caller's thread (the runner reports under its lock), unlike <see cref="Progress{T}"/>.</summary>
    private sealed class SynchronousProgress(Action<EvalProgress> report) : IProgress<EvalProgress>
    {
        public void Report(EvalProgress value) => report(value);
    }
}
