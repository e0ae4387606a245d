using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli.Tests.Commands;

public sealed class MigrateCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public MigrateCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Migrate_NewSqliteFile_AppliesEveryStepThenSaysUpToDate()
    {
        var db = Path.Combine(_directory, "state.db");

        var (exit, output, error) = await InvokeAsync("migrate", "--db", db);
        var (again, second, _) = await InvokeAsync("migrate", "--db", db);

        Assert.True(exit == 0, error);
        var match = System.Text.RegularExpressions.Regex.Match(output.Trim(), @"^SQLite file (?<file>.+): schema version 0 -> (?<to>\d+) \((?<steps>\d+) steps applied\)\.$");
        Assert.True(match.Success, output);
        Assert.Equal((db, match.Groups["to"].Value), (match.Groups["file"].Value, match.Groups["steps"].Value));
        Assert.Equal(0, again);
        Assert.Equal($"SQLite file {db}: schema version {match.Groups["to"].Value}, up to date.", second.Trim());
    }

    [Fact]
    public async Task Migrate_ConfigurationWithErrors_SaysWhichAndChangesNothing()
    {
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, "storage: { kind: postgres }\nproviders:\n  vllm: { kind: openai, base_url: http://localhost:8000/v1 }\ndeployments:\n  llama: { provider: vllm, model: llama }\nroutes:\n  chat: { deployments: [llama] }\n");

        var (exit, _, error) = await InvokeAsync("migrate", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("storage.connection_string: is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_PostgresNobodyListensOn_SaysItCouldNotConnect()
    {
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, $$"""
            storage: { kind: postgres, connection_string: "Host=127.0.0.1;Port={{ClosedPort()}};Username=gateway;Timeout=2" }
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            """);

        var (exit, _, error) = await InvokeAsync("migrate", "--config", config);

        Assert.Equal(1, exit);
        Assert.StartsWith($"Could not open PostgreSQL database 'gateway' on 127.0.0.1:", error, StringComparison.Ordinal);
    }

    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
