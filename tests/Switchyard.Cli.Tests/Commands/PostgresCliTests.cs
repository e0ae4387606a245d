using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Switchyard.Cli.Commands;
using Switchyard.Gateway.Auth;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>The store commands with <c>--config</c> naming PostgreSQL: the same verbs, the configured store.</summary>
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
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
