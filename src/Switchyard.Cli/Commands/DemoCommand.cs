using System.Collections.Immutable;
using System.CommandLine;
using System.Reflection;
using Spectre.Console;
using Switchyard.Cli.Demo;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

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
        var requests = new Option<int>("--requests", "-n") { Description = "Requests in the workload.", DefaultValueFactory = _ => 60 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 8 };
        var port = new Option<int>("--port") { Description = "Gateway port (an ephemeral one is used if it is taken).", DefaultValueFactory = _ => DefaultGatewayPort };
        var db = new Option<string>("--db") { Description = "SQLite file for the request log.", DefaultValueFactory = _ => StorageConfig.DefaultSqlitePath };
        var fast = new Option<bool>("--fast") { Description = "Simulated models answer at once (no realistic latency)." };
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
        await using var frontier = await StartSimulatorAsync(fast ? SimulatorOptions.Instant() with { Models = [.. SimulatorOptions.Frontier().Models.Select(m => m with { TimeToFirstToken = TimeSpan.Zero, TokensPerSecond = 0 })] } : SimulatorOptions.Frontier(), DefaultFrontierPort, cancellationToken);

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

        var host = await StartGatewayAsync(loaded.Config!, gatewayPort, cancellationToken);
        await using (host)
        {
            var baseUrl = host.BaseAddress;
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("simulated self-hosted model", $"{open.BaseAddress}v1  (llama-3.1-8b-instruct, with injected 503s and 429s)");
            grid.AddRow("simulated frontier API", $"{frontier.BaseAddress}v1  (gpt-4o)");
            grid.AddRow("gateway", $"{baseUrl}v1  (routes: chat with tiers code, legal, open, frontier; frontier; embeddings)");
            grid.AddRow("request log", Path.GetFullPath(db));
            console.Write(grid);
            console.WriteLine();

            var started = DateTimeOffset.UtcNow;
            var outcome = await SendWorkloadAsync(console, baseUrl, requestCount, concurrency, cancellationToken);
            if (host.RequestLog is { } writer)
            {
                await writer.FlushAsync(cancellationToken);
            }

            await using (var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = db }, TimeProvider.System))
            {
                var entries = await store.QueryAsync(new RequestLogQuery { Since = started.AddSeconds(-1), Limit = Math.Max(requestCount * 2, 100) }, cancellationToken);
                console.Write(DemoSummary.Build(entries));
                console.Write(DemoSummary.BuildTiers(entries));
                var external = loaded.Config!.Deployments.Where(d => d.Hosting == Hosting.External).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
                console.WriteLine(DemoSummary.DescribeConfidential(entries, external));
                var records = new SqliteEscalationStore(new SqliteStoreOptions { Path = db }, TimeProvider.System)
                    .Query(new Storage.Escalations.EscalationQuery { Since = started.AddSeconds(-1), Limit = Math.Max(requestCount * 2, 100) });
                console.WriteLine(DemoSummary.DescribeEscalations(entries, records));
            }

            console.MarkupLineInterpolated($"Sent {requestCount} requests: [green]{outcome.Succeeded} answered[/], [red]{outcome.Failed} failed[/] (the client saw an error).");
            console.WriteLine();
            console.MarkupLine("Try it yourself:");
            console.WriteLine($"  curl -s {baseUrl}v1/chat/completions -H 'Content-Type: application/json' \\");
            console.WriteLine("    -d '{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}' -i");
            var self = SelfCommand();
            console.WriteLine($"  {self} logs --db {db}        # the request log");
            console.WriteLine($"  {self} escalations list --db {db}        # the answers the quality gate escalated, and why");
            console.WriteLine($"  {self} dataset export --db {db} -o dataset.jsonl   # those cases as fine-tuning data");
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

        return 0;
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
        // The self-hosted model fails now and then, so the demo shows requests failing over to the frontier API.
        var faults = ImmutableDictionary<string, double>.Empty.Add("unavailable", 0.06).Add("rate_limit", 0.03);
        var options = SimulatorOptions.Open();
        return options with
        {
            Models = [.. options.Models.Select(m => fast
                ? m with { FaultRates = faults, TimeToFirstToken = TimeSpan.Zero, TokensPerSecond = 0 }
                : m with { FaultRates = faults })],
        };
    }

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

    private static async Task<(int Succeeded, int Failed)> SendWorkloadAsync(IAnsiConsole console, Uri baseUrl, int count, int concurrency, CancellationToken cancellationToken)
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
                            using var request = DemoWorkload.Create(index);
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
        return (succeeded, failed);
    }
}
