using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Reflection;
using Spectre.Console;
using Switchyard.Cli.Demo;
using Switchyard.Cli.Internal;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard demo</c>: on a machine with nothing configured, starts a simulated self-hosted model and a simulated
/// frontier API, serves the built-in demo configuration in front of them, sends a mixed workload with progress shown,
/// prints what happened per deployment, and keeps serving until Ctrl-C (<c>--once</c> exits).
/// </summary>
internal static class DemoCommand
{
    private const int DefaultGatewayPort = 8080;
    private const int DefaultOpenPort = 9101;
    private const int DefaultFrontierPort = 9102;

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Exit after the workload instead of serving until Ctrl-C." };
        var requests = new Option<int>("--requests", "-n") { Description = "Requests in each round of the workload.", DefaultValueFactory = _ => 80 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 8 };
        var port = new Option<int>("--port") { Description = "Gateway port (an ephemeral one is used if it is taken).", DefaultValueFactory = _ => DefaultGatewayPort };
        var db = new Option<string>("--db") { Description = "SQLite file for the request log.", DefaultValueFactory = _ => StorageConfig.DefaultSqlitePath };
        var fast = new Option<bool>("--fast") { Description = "Simulated models answer ten times faster than real ones: the same shape of latency, a tenth of it." };
        var writeConfig = new Option<string?>("--write-config") { Description = "Write the built-in demo configuration to this file and exit." };
        var command = new Command("demo", "Run the gateway in front of two simulated providers and send it a mixed workload.")
        {
            once, requests, concurrency, port, db, fast, writeConfig,
        };
        requests.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--requests must be 0 or more.");
            }
        });
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--concurrency must be at least 1.");
            }
        });

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // PERF: socket completions inline (the demo serves on SQLite: Internal/InlineCompletions), before the first socket.
            InlineCompletions.TurnOn();
            var path = parseResult.GetValue(writeConfig);
            if (path is not null)
            {
                await File.WriteAllTextAsync(path, ReadDemoYaml(), cancellationToken);
                parseResult.InvocationConfiguration.Output.WriteLine($"Wrote the demo configuration to {path}. Start its simulated providers with:");
                parseResult.InvocationConfiguration.Output.WriteLine($"  switchyard simulate --profile open --port {DefaultOpenPort}");
                parseResult.InvocationConfiguration.Output.WriteLine($"  switchyard simulate --profile frontier --port {DefaultFrontierPort}");
                parseResult.InvocationConfiguration.Output.WriteLine($"then: switchyard serve --config {path}");
                return 0;
            }

            return await RunAsync(
                parseResult.GetValue(once),
                parseResult.GetValue(requests),
                parseResult.GetValue(concurrency),
                parseResult.GetValue(port),
                parseResult.GetValue(db)!,
                parseResult.GetValue(fast),
                cancellationToken);
        });
        return command;
    }

    internal static string ReadDemoYaml()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Switchyard.Cli.Demo.demo.yaml")
            ?? throw new InvalidOperationException("The demo configuration is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<int> RunAsync(bool once, int requestCount, int concurrency, int gatewayPort, string db, bool fast, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected && console.Profile.Width < 120)
        {
            // Piped output (CI logs, `| tee`) gets Spectre's 80 columns by default: too narrow for the summary table.
            console.Profile.Width = 120;
        }

        console.MarkupLine("[bold]Switchyard demo[/]: a simulated self-hosted open model and a simulated frontier API behind one gateway.");

        await using var open = await StartSimulatorAsync(OpenModel(fast), DefaultOpenPort, cancellationToken);
        var frontierOptions = SimulatorOptions.Frontier();
        await using var frontier = await StartSimulatorAsync(frontierOptions with { Models = [.. frontierOptions.Models.Select(m => fast ? Faster(m) : m)] }, DefaultFrontierPort, cancellationToken);

        var yaml = ReadDemoYaml()
            .Replace($"127.0.0.1:{DefaultOpenPort}", $"127.0.0.1:{open.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace($"127.0.0.1:{DefaultFrontierPort}", $"127.0.0.1:{frontier.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace($"path: {StorageConfig.DefaultSqlitePath}", $"path: {db}", StringComparison.Ordinal);
        var loaded = ConfigLoader.Parse(yaml, "<built-in demo>");
        if (!loaded.Succeeded)
        {
            foreach (var error in loaded.Errors)
            {
                console.MarkupLineInterpolated($"[red]{error}[/]");
            }

            return 1;
        }

        var config = loaded.Config!;
        await DemoRegistry.RegisterAsync(console, db, config.Registry.Organisation, cancellationToken);
        var external = config.Deployments.Where(d => d.Hosting == Hosting.External).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var host = await StartGatewayAsync(config, gatewayPort, cancellationToken);
        var dashboardKey = await DemoDashboard.CreateKeyAsync(db, TimeProvider.System);
        try
        {
            var baseUrl = host.BaseAddress;
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("dashboard", DemoDashboard.Address(baseUrl) + "  (live: tiers, escalations, savings)");
            grid.AddRow("dashboard key", $"{dashboardKey}  {DemoDashboard.KeyNote}");
            grid.AddRow("simulated self-hosted model", $"{open.BaseAddress}v1  (llama-3.1-8b-instruct: weak at medical questions, with injected 503s and 429s)");
            grid.AddRow("simulated frontier API", $"{frontier.BaseAddress}v1  (gpt-4o)");
            grid.AddRow("gateway", $"{baseUrl}v1  (routes: chat with tiers code, legal, open, frontier; frontier; embeddings)");
            grid.AddRow("request log", Path.GetFullPath(db));
            if (host.MetricsUrl is { } metricsUrl)
            {
                grid.AddRow("metrics", $"{metricsUrl}  (Prometheus text format: requests, latency, tokens, cost and savings, escalations, circuits)");
            }
            console.Write(grid);
            console.MarkupLine("[yellow]No keys: the demo serves every request without one (auth: { keys: off }). A real deployment uses auth: { keys: required } and switchyard keys create.[/]");
            console.WriteLine();

            console.MarkupLine("[bold]Round 1[/]: the rules and the quality gate.");
            // Every request carries an id naming this run, its round and its place in the workload, so what the request log
            // says of it can be traced to its prompt (the kinds the router sends ahead).
            var run = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
            var (first, outcome) = await RunRoundAsync(console, host, db, run, round: 1, requestCount, concurrency, external, cancellationToken);
            if (requestCount > 0)
            {
                console.WriteLine(DemoRound.DescribeDoomed(first.Figures));
            }

            var everything = new List<RequestLogEntry>(first.Entries);
            var routerPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Path.GetFileNameWithoutExtension(db) + ".router");
            if (requestCount > 0 && await ExportAndTrainAsync(console, db, first, routerPath, cancellationToken) is { } router)
            {
                // The second gateway serves the same configuration with the router on the chat route, on the same port.
                var port = host.BaseAddress.Port;
                await host.DisposeAsync();
                host = null!;
                var withRouter = ConfigLoader.Parse(WithRouter(yaml, routerPath), "<built-in demo, with the router>");
                if (!withRouter.Succeeded)
                {
                    foreach (var error in withRouter.Errors)
                    {
                        console.MarkupLineInterpolated($"[red]{error}[/]");
                    }

                    return 1;
                }

                host = await StartGatewayAsync(withRouter.Config!, port, cancellationToken);
                console.WriteLine();
                console.MarkupLine($"[bold]Round 2[/]: new questions of the same kinds, with [bold]router: {{ model: {Markup.Escape(Path.GetFileName(routerPath))} }}[/] on the chat route.");
                var (second, secondOutcome) = await RunRoundAsync(console, host, db, run, round: 2, requestCount, concurrency, external, cancellationToken, summarise: false);
                everything.AddRange(second.Entries);
                console.Write(DemoRound.Compare(first.Figures, second.Figures));
                console.WriteLine(DemoRound.DescribeSaved(first.Figures, second.Figures));
                console.WriteLine("Prices (deployments.NAME.pricing in the configuration, or the built-in catalog):");
                foreach (var line in DemoMoney.Prices(config))
                {
                    console.WriteLine(line);
                }

                console.WriteLine("The router trades money for time: a request it sends ahead skips a doomed attempt on the open model (its wait and its GPU tokens),");
                console.WriteLine("but one it sends ahead that the open model would have answered well costs frontier tokens. --frontier-share on `router train` sets the balance.");
                var sentAhead = second.Entries
                    .Where(e => e.Route == DemoRound.Route && e.Rule == "router")
                    .Select(e => DemoWorkload.TryParseRequestId(e.RequestId, out var round, out var index) ? DemoWorkload.Prompt(index, round) : null)
                    .OfType<string>()
                    .ToList();
                if (sentAhead.Count > 0)
                {
                    var examples = sentAhead.Distinct().Take(3).Select(p => $"\"{(p.Length > 60 ? p[..57] + "..." : p)}\"");
                    console.WriteLine($"The router sent {sentAhead.Count} requests straight to the frontier ({DemoRound.DescribeSentAhead(second.Entries)}), such as {string.Join(", ", examples)}.");
                }

                outcome = new WorkloadOutcome(outcome.Succeeded + secondOutcome.Succeeded, outcome.Failed + secondOutcome.Failed);
                requestCount *= 2;
            }

            console.MarkupLineInterpolated($"Sent {requestCount} requests: [green]{outcome.Succeeded} answered[/], [red]{outcome.Failed} failed[/] (the client saw an error).");
            foreach (var line in DemoMoney.Describe(everything, config, $"{SelfCommand()} costs --db {db}"))
            {
                console.WriteLine(line);
            }

            console.WriteLine();
            console.MarkupLine("Try it yourself:");
            console.WriteLine($"  {DemoDashboard.Describe(host.BaseAddress, dashboardKey)}");
            console.WriteLine($"  curl -s {host.BaseAddress}v1/chat/completions -H 'Content-Type: application/json' \\");
            console.WriteLine("    -d '{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}' -i");
            if (host.MetricsUrl is { } scrape)
            {
                console.WriteLine($"  curl -s {scrape} | grep -E '^switchyard_(escalations|cost_usd|baseline_cost_usd)_total'   # the metrics Prometheus scrapes");
            }

            var self = SelfCommand();
            console.WriteLine($"  {self} logs --db {db}        # the request log");
            console.WriteLine($"  {self} escalations list --db {db}        # the answers the quality gate escalated, and why");
            console.WriteLine($"  {self} dataset export --db {db} -o dataset.jsonl   # those cases as fine-tuning data");
            console.WriteLine($"  {self} router train --db {db} -o {Path.GetFileNameWithoutExtension(db)}.router   # the router, trained again");
            console.WriteLine($"  {self} costs --db {db} --by route,tier        # what it cost, against all-frontier");
            console.WriteLine($"  {self} demo --write-config switchyard.yaml   # the configuration used here, to edit");
            if (once)
            {
                return outcome.Failed == 0 || outcome.Succeeded > 0 ? 0 : 1;
            }

            console.MarkupLine("[bold]Serving until Ctrl-C.[/]");
            try
            {
                await host.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C.
            }
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary>What a round of the workload did: its figures, and the request log and escalation records behind them.</summary>
    private sealed record RoundResult(DateTimeOffset Started, DemoRound Figures, IReadOnlyList<RequestLogEntry> Entries, IReadOnlyList<Storage.Escalations.EscalationRecord> Records);

    /// <summary>Sends one round of the workload and reads back what the gateway recorded of it.</summary>
    private static async Task<(RoundResult Result, WorkloadOutcome Outcome)> RunRoundAsync(
        IAnsiConsole console, GatewayHost host, string db, string run, int round, int requestCount, int concurrency, IReadOnlySet<string> external, CancellationToken cancellationToken, bool summarise = true)
    {
        var started = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var outcome = await SendWorkloadAsync(console, host.BaseAddress, run, round, requestCount, concurrency, cancellationToken);
        // The last answers may be read by the workload a moment before their entries are queued: wait for those too.
        await host.FlushRequestLogAsync(cancellationToken);

        await using var stores = await Storage.Stores.OpenAsync(Storage.StorageOptions.ForSqlite(db), TimeProvider.System, cancellationToken);
        await using var store = stores.CreateRequestLogStore();
        var entries = await store.QueryAsync(new RequestLogQuery { Since = started, Limit = Math.Max(requestCount * 2, 100) }, cancellationToken);
        var records = stores.Escalations.Query(new Storage.Escalations.EscalationQuery { Since = started, Limit = Math.Max(requestCount * 2, 100) });
        if (summarise)
        {
            console.Write(DemoSummary.Build(entries));
            console.Write(DemoSummary.BuildTiers(entries));
            console.WriteLine(DemoSummary.DescribeConfidential(entries, external));
            console.WriteLine(DemoSummary.DescribeEscalations(entries, records));
        }

        return (new RoundResult(started, DemoRound.Measure(entries, external), entries, records), outcome);
    }

    /// <summary>
    /// The loop between the rounds: round 1's escalations exported as fine-tuning data, and a router trained on round 1's
    /// records and outcome samples. <see langword="null"/> (said why) when round 1 gave too little to learn from.
    /// </summary>
    private static async Task<Gateway.Routing.Learned.EscalationRouter?> ExportAndTrainAsync(IAnsiConsole console, string db, RoundResult first, string routerPath, CancellationToken cancellationToken)
    {
        var datasetPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Path.GetFileNameWithoutExtension(db) + "-dataset.jsonl");
        var export = Gateway.Quality.Datasets.DatasetExporter.Export(first.Records, new Gateway.Quality.Datasets.DatasetOptions { RedactPii = true });
        DatasetCommand.Write(datasetPath, export.Train);
        var problems = DatasetCommand.Check(datasetPath, Gateway.Quality.Datasets.DatasetFormat.OpenAI);
        console.WriteLine($"Fine-tuning data from round 1's escalations, the frontier's answers as the assistant turns: {export.Summary}");
        console.WriteLine(problems.Length == 0 ? $"Wrote {datasetPath} (OpenAI chat format, personal data redacted; read back and checked)." : $"The dataset does not read back: {problems}");

        await using var stores = await Storage.Stores.OpenAsync(Storage.StorageOptions.ForSqlite(db), TimeProvider.System, cancellationToken);
        var examples = RouterCommand.Examples(stores.Escalations, DemoRound.Route, first.Started);
        if (RouterTrainingRun.Insufficient(examples) is { } insufficient)
        {
            console.WriteLine(insufficient + " Round 2 needs a trained router: run the demo with more --requests.");
            return null;
        }

        // Send ahead about as many requests as failed the gate in round 1 (bounded), so round 2 spends as much on the frontier.
        var failed = examples.Count(e => e.CheapFailed);
        var share = Math.Clamp((double)failed / examples.Count, 0.05, 0.5);
        var trained = RouterTrainingRun.Train(examples, new Gateway.Routing.Learned.RouterTrainingOptions { TargetShare = share, Source = Path.GetFullPath(db) });
        using (var file = File.Create(routerPath))
        {
            trained.Router.Save(file);
        }

        var measured = trained.HeldOutAuroc is { } auroc
            ? string.Create(CultureInfo.InvariantCulture, $", AUROC {auroc:0.00} cross-validated")
            : "";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Router trained on round 1's {examples.Count} outcomes ({failed} where the cheap tiers failed) in {trained.Seconds * 1000:0} ms{measured}; threshold {trained.Router.Threshold:0.000} sends about {share:P0} straight to the frontier. Wrote {routerPath}."));
        return trained.Router;
    }

    /// <summary>The demo configuration with the trained router on the chat route.</summary>
    internal static string WithRouter(string yaml, string routerPath)
    {
        const string anchor = "    allow_pinning: true";
        var at = yaml.IndexOf(anchor, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("The demo configuration has no chat route to put the router on.");
        }

        var line = "\n    router: { model: " + JsonSerializer.Serialize(routerPath, DemoJsonContext.Default.String) + " }";
        var end = yaml.IndexOf('\n', at);
        return yaml.Insert(end < 0 ? yaml.Length : end, line);
    }

    /// <summary>How to run this same executable from the current folder: a new user has no `switchyard` on PATH.</summary>
    private static string SelfCommand()
    {
        var process = Environment.ProcessPath;
        if (process is null)
        {
            return "switchyard";
        }

        // Run as `dotnet switchyard.dll`: name the dll; run through the apphost (dotnet run, or directly): name it.
        var path = Path.GetFileNameWithoutExtension(process) == "dotnet" ? typeof(DemoCommand).Assembly.Location : process;
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) ? path : "./" + relative;
        return path.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet " + shown : shown;
    }

    private static SimulatorOptions OpenModel(bool fast)
    {
        // The self-hosted model fails now and then, so the demo shows requests failing over to the frontier API; and it is
        // poor at medical questions, the hard kind of prompt the router learns to send straight to the frontier, while
        // fair at the rest (a code or legal question fails now and then, as on a real 8B model, not most of the time).
        var faults = ImmutableDictionary<string, double>.Empty.Add("unavailable", 0.06).Add("rate_limit", 0.03);
        var options = SimulatorOptions.Open();
        return options with
        {
            Models = [.. options.Models.Select(m =>
            {
                var skill = m.Skill
                    .SetItem(PromptKinds.Medical, 0.1)
                    .SetItem(PromptKinds.Code, 0.85)
                    .SetItem(PromptKinds.Legal, 0.85)
                    .SetItem(PromptKinds.Math, 0.85);
                var model = m with { FaultRates = faults, Skill = skill };
                return fast ? Faster(model) : model;
            })],
        };
    }

    /// <summary>
    /// A model ten times faster than its profile, not instant: the time a doomed attempt wastes is still the shape the
    /// demo shows (first token, then tokens at a pace), only shorter.
    /// </summary>
    private static SimulatedModel Faster(SimulatedModel model) => model with
    {
        TimeToFirstToken = model.TimeToFirstToken / 10,
        TokensPerSecond = model.TokensPerSecond * 10,
    };

    private static async Task<SimulatorHost> StartSimulatorAsync(SimulatorOptions options, int port, CancellationToken cancellationToken)
    {
        try
        {
            return await SimulatorHost.StartAsync(options with { Port = port }, cancellationToken);
        }
        catch (IOException)
        {
            // The usual port is taken (another demo?): any free port will do, the gateway's config follows it.
            return await SimulatorHost.StartAsync(options with { Port = 0 }, cancellationToken);
        }
    }

    private static async Task<GatewayHost> StartGatewayAsync(GatewayConfig config, int port, CancellationToken cancellationToken)
    {
        var options = new GatewayHostOptions { Urls = $"http://127.0.0.1:{port}", MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error, ConsoleLogging = true };
        try
        {
            return await GatewayHost.StartAsync(config, options, cancellationToken);
        }
        catch (IOException) when (port != 0)
        {
            AnsiConsole.MarkupLine($"[yellow]Port {port} is taken; the gateway uses a free port instead.[/]");
            return await GatewayHost.StartAsync(config, options with { Urls = "http://127.0.0.1:0" }, cancellationToken);
        }
    }

    /// <summary>What the client saw of a round: answers and errors.</summary>
    private sealed record WorkloadOutcome(int Succeeded, int Failed);

    private static async Task<WorkloadOutcome> SendWorkloadAsync(IAnsiConsole console, Uri baseUrl, string run, int round, int count, int concurrency, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
        int succeeded = 0, failed = 0, next = -1;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Sending {count} requests ({concurrency} at a time)", maxValue: Math.Max(count, 1));
                var workers = Enumerable.Range(0, concurrency).Select(async _ =>
                {
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < count)
                    {
                        try
                        {
                            using var request = DemoWorkload.Create(index, round, run);
                            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref succeeded : ref failed);
                        }
                        catch (HttpRequestException)
                        {
                            Interlocked.Increment(ref failed);
                        }

                        task.Increment(1);
                    }
                });
                await Task.WhenAll(workers);
            });
        return new WorkloadOutcome(succeeded, failed);
    }
}
