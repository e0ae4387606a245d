using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Switchyard.Cli.Commands;
using Switchyard.Gateway.Auth;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>
/// The store commands with <c>--config</c> naming PostgreSQL: the same verbs, the configured store (keys, the audit trail,
/// the request log, evaluation runs, shadow comparisons).
/// </summary>
public sealed class PostgresCliTests : IAsyncLifetime
{
    private readonly PostgresHarness _store = new();
    private string _config = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _config = Path.Combine(_store.Folder, "switchyard.yaml");
        File.WriteAllText(_config, $$"""
            {{_store.StorageYaml}}
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            """);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [StoreFact]
    public async Task Migrate_ThenKeysCreateListRevokeAndAuditVerify_AllOnTheConfiguredDatabase()
    {
        var (migrated, migrateOutput, migrateError) = await InvokeAsync("migrate", "--config", _config);
        Assert.True(migrated == 0, migrateError);
        Assert.Matches(@"^PostgreSQL database 'switchyard_test' on 127\.0\.0\.1:\d+: schema version 0 -> \d+ \(\d+ steps applied\)\.$", migrateOutput.Trim());

        var (created, key, createError) = await InvokeAsync("keys", "create", "--config", _config, "--team", "search");
        Assert.True(created == 0, createError);
        Assert.True(ApiKeys.TryParse(key.Trim(), out var id));
        var (_, listed, _) = await InvokeAsync("keys", "list", "--config", _config);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Equal((0, $"Revoked {id}."), await RevokeAsync(id));
        Assert.Equal(1L, Convert.ToInt64(await _store.ScalarAsync("SELECT COUNT(*) FROM api_keys WHERE revoked_unix_ms IS NOT NULL;")));

        var (verified, verifyOutput, _) = await InvokeAsync("audit", "verify", "--config", _config);
        Assert.Equal(0, verified);
        Assert.StartsWith("Audit trail intact: 2 entries", verifyOutput, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task LogsAndCosts_ReadTheRequestLogOfTheConfiguredDatabase()
    {
        await using (var stores = await _store.OpenAsync())
        await using (var log = stores.CreateRequestLogStore())
        {
            await log.InitializeAsync(CancellationToken.None);
            var now = DateTimeOffset.UtcNow;
            await log.WriteBatchAsync(
            [
                new RequestLogEntry { Timestamp = now.AddMinutes(-2), RequestId = "req-a", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 10, OutputTokens = 5, CostUsd = 0.25 },
                new RequestLogEntry { Timestamp = now.AddMinutes(-1), RequestId = "req-b", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 10, OutputTokens = 5, CostUsd = 0.5 },
            ], CancellationToken.None);
        }

        var (logged, logs, logError) = await InvokeAsync("logs", "--config", _config, "--json");
        var (costed, costs, costError) = await InvokeAsync("costs", "--config", _config, "--by", "route", "--format", "csv");

        Assert.True(logged == 0, logError);
        Assert.Equal(["req-b", "req-a"], logs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("request_id").GetString()));
        Assert.True(costed == 0, costError);
        Assert.Contains("chat,2,", costs, StringComparison.Ordinal);
        Assert.Contains("0.75", costs, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task EvalRuns_StoredInTheConfiguredDatabase_AreListedReportedAndComparedFromIt()
    {
        await using var simulator = await SimulatorHost.StartAsync(EvalCommandTests.TwoModels());
        var config = Path.Combine(_store.Folder, "eval.yaml");
        File.WriteAllText(config, EvalCommandTests.SimulatorConfig(simulator, _store.StorageYaml));
        await using var running = await EvalCommandTests.StartGatewayAsync(File.ReadAllText(config));
        var suite = EvalCommandTests.SamplePath("simulator-suite.jsonl");

        // One run through a gateway started here from the configuration, one through a running gateway (the configuration
        // only says where the results go).
        var (started, startedReport, startedError) = await InvokeAsync("eval", "run", "--suite", suite, "--models", "open,frontier", "--config", config, "--format", "json");
        var (remote, remoteReport, remoteError) = await InvokeAsync("eval", "run", "--suite", suite, "--models", "open,frontier", "--gateway", running.BaseAddress.ToString(),
            "--config", config, "--format", "json");

        Assert.True(started == 0, startedError);
        Assert.Matches(@"results in PostgreSQL database 'switchyard_test' on 127\.0\.0\.1:\d+\.", startedError);
        Assert.True(remote == 0, remoteError);
        var first = RunId(startedReport);
        var second = RunId(remoteReport);
        Assert.Equal(144L, Convert.ToInt64(await _store.ScalarAsync("SELECT COUNT(*) FROM eval_results;"), CultureInfo.InvariantCulture));
        Assert.Equal(running.BaseAddress.ToString(), await _store.ScalarAsync($"SELECT target FROM eval_runs WHERE run_id = '{second}';"));

        var (listed, list, listError) = await InvokeAsync("eval", "list", "--config", config);
        Assert.True(listed == 0, listError);
        Assert.Contains(first, list, StringComparison.Ordinal);
        Assert.Contains(second, list, StringComparison.Ordinal);
        var (reported, report, reportError) = await InvokeAsync("eval", "report", first[..10], "--config", config, "--format", "markdown");
        Assert.True(reported == 0, reportError);
        Assert.Contains("## Use case: math", report, StringComparison.Ordinal);
        var (compared, comparison, compareError) = await InvokeAsync("eval", "compare", first, second, "--config", config, "--format", "json");
        Assert.True(compared is 0 or 1, compareError);
        using var json = System.Text.Json.JsonDocument.Parse(comparison);
        Assert.Equal((first, second), (json.RootElement.GetProperty("run_a").GetString(), json.RootElement.GetProperty("run_b").GetString()));
    }

    [StoreFact]
    public async Task ShadowReportAndDatasetExport_ReadWhatAGatewayOnTheConfiguredDatabaseCompared()
    {
        await ShadowCommandTests.RunTrafficAsync(_store.StorageYaml);
        var output = Path.Combine(_store.Folder, "shadow.jsonl");

        var (reported, report, reportError) = await InvokeAsync("shadow", "report", "--config", _config, "--format", "json");
        var (exported, summary, exportError) = await InvokeAsync("dataset", "export", "--config", _config, "--source", "shadow", "-o", output, "--validation-share", "0");
        var (all, allSummary, allError) = await InvokeAsync("dataset", "export", "--config", _config, "--source", "all", "-o", Path.Combine(_store.Folder, "all.jsonl"), "--validation-share", "0");

        Assert.True(reported == 0, reportError);
        using var json = System.Text.Json.JsonDocument.Parse(report);
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(("chat", "weak"), (row.GetProperty("route").GetString(), row.GetProperty("candidate").GetString()));
        Assert.Equal(ShadowCommandTests.Requests, row.GetProperty("compared").GetInt32());
        // The route's volume comes from the request log the same gateway wrote to PostgreSQL.
        Assert.True(row.GetProperty("monthly_requests").GetDouble() > 0);
        Assert.True(exported == 0, exportError);
        Assert.Contains($"{ShadowCommandTests.Requests} shadow comparisons the incumbent won read; {ShadowCommandTests.Requests} train", summary, StringComparison.Ordinal);
        Assert.Equal(ShadowCommandTests.Requests, File.ReadAllLines(output).Length);
        Assert.True(all == 0, allError);
        Assert.Contains($"{ShadowCommandTests.Requests} escalation records and shadow comparisons the incumbent won read", allSummary, StringComparison.Ordinal);
    }

    private static string RunId(string report)
    {
        using var json = System.Text.Json.JsonDocument.Parse(report);
        return json.RootElement.GetProperty("run_id").GetString()!;
    }

    [StoreFact]
    public async Task KeysCreateListRevoke_TheBuiltCliAsItsOwnProcess_FinishesOnPostgres()
    {
        // The executable as an operator runs it (Program.Main first, with its socket settings), not the commands in this
        // process: every store command awaits PostgreSQL, then reads or writes it synchronously, and once hung there.
        var (created, key, createError) = await RunAsync("keys", "create", "--config", _config, "--team", "search");
        Assert.True(created == 0, createError);
        Assert.True(ApiKeys.TryParse(key.Trim(), out var id), key);
        var (listed, list, listError) = await RunAsync("keys", "list", "--config", _config);
        Assert.True(listed == 0, listError);
        Assert.Contains(id, list, StringComparison.Ordinal);
        var (revoked, revokeOutput, revokeError) = await RunAsync("keys", "revoke", "--config", _config, id);
        Assert.True(revoked == 0, revokeError);
        Assert.Equal($"Revoked {id}.", revokeOutput.Trim());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "switchyard.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The CLI chooses how sockets complete (Internal/InlineCompletions): nothing this process set may choose for it.
        start.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"switchyard {string.Join(' ', args)} did not finish within 60 s: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private async Task<(int, string)> RevokeAsync(string id)
    {
        var (exit, output, _) = await InvokeAsync("keys", "revoke", "--config", _config, id);
        return (exit, output.Trim());
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(CostsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ShadowCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
