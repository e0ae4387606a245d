namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard serve</c> on a store it cannot open.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public ServeCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Serve_PostgresNobodyListensOn_SaysWhichDatabaseAndDoesNotStart()
    {
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, $$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: postgres, connection_string: "Host=127.0.0.1;Port={{MigrateCommandTests.ClosedPort()}};Username=gateway;Timeout=2" }
            auth: { keys: off }
            registry: { enforce: off }
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            """);

        var (exit, _, error) = await MigrateCommandTests.InvokeAsync("serve", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("The gateway could not open PostgreSQL database 'gateway' on 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Contains("the gateway did not start", error, StringComparison.Ordinal);
    }
}
