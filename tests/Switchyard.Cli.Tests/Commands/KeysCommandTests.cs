using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Commands;
using Switchyard.Gateway.Auth;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard keys</c>, and <c>serve</c> refusing a configuration that does not say whether keys are needed.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public KeysCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CreateListRevoke_ShowTheKeyOnceAndOnlyItsIdAfter()
    {
        var (exit, output, error) = await InvokeAsync("keys", "create", "--db", DatabasePath, "--team", "search", "--name", "ci bot", "--routes", "chat, legal", "--rpm", "60", "--expires", "30d", "--tags", "code", "--metadata", "owner=search-team", "--metadata", "ticket=OPS-42", "--budget", "25/month");

        Assert.True(exit == 0, error);
        var key = output.Trim();
        Assert.True(ApiKeys.TryParse(key, out var id), key);
        Assert.Contains($"Created {id} for team search (routes: chat, legal), expiring ", error, StringComparison.Ordinal);
        Assert.Contains("only time the key is shown", error, StringComparison.Ordinal);
        var stored = new SqliteKeyStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System).Find(id)!;
        Assert.Equal(ApiKeys.Hash(key), stored.Hash);
        Assert.Equal(["chat", "legal"], stored.Routes);
        Assert.Equal(60, stored.RequestsPerMinute);
        Assert.Equal(["code"], stored.Tags);
        Assert.Equal(25, stored.BudgetUsd);
        Assert.Equal("month", stored.BudgetPeriod);
        Assert.Equal("OPS-42", stored.Metadata["ticket"]);
        Assert.InRange(stored.Expires!.Value, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        var (_, listed, _) = await InvokeAsync("keys", "list", "--db", DatabasePath);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.Contains("active until", listed, StringComparison.Ordinal);

        // The whole key pasted instead of the id: it revokes, and the key is not printed back.
        var (revoked, revokedOutput, _) = await InvokeAsync("keys", "revoke", "--db", DatabasePath, key);
        Assert.Equal(0, revoked);
        Assert.Equal($"Revoked {id}.", revokedOutput.Trim());
        var (again, _, againError) = await InvokeAsync("keys", "revoke", "--db", DatabasePath, id);
        Assert.Equal(1, again);
        Assert.Contains("was already revoked", againError, StringComparison.Ordinal);
        var (_, after, _) = await InvokeAsync("keys", "list", "--db", DatabasePath);
        Assert.Contains("revoked", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_FromTheCli_ReachesARunningGatewayWithinItsCache()
    {
        var (_, created, _) = await InvokeAsync("keys", "create", "--db", DatabasePath, "--team", "search");
        var key = created.Trim();
        var config = Gateway.Configuration.ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{DatabasePath}}" }
            request_log: { enabled: false }
            auth: { keys: required }
            providers:
              vllm: { kind: openai, base_url: http://127.0.0.1:9/v1 }
            registry: { enforce: off }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            """, "switchyard.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        await using var gateway = await Gateway.GatewayHost.StartAsync(config.Config!);
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using (var before = await client.GetAsync("models"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, before.StatusCode);   // cached in the gateway now
        }

        var (revoked, _, _) = await InvokeAsync("keys", "revoke", "--db", DatabasePath, key[..13]);
        var revokedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        HttpResponseMessage after;
        while ((after = await client.GetAsync("models")).IsSuccessStatusCode && System.Diagnostics.Stopwatch.GetElapsedTime(revokedAt) < KeyAuthenticator.CacheFor + TimeSpan.FromSeconds(2))
        {
            after.Dispose();
        }

        using var _ = after;
        Assert.Equal(0, revoked);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("was revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--expires", "yesterday", "--expires 'yesterday' is neither")]
    [InlineData("--expires", "2020-01-01T00:00:00Z", "in the future")]
    [InlineData("--rpm", "0", "--rpm must be at least 1")]
    [InlineData("--budget", "50/week", "--budget '50/week' is not DOLLARS/day or DOLLARS/month")]
    [InlineData("--budget", "free", "--budget 'free' is not")]
    public async Task Create_BadOptions_SayWhatIsWrong(string option, string value, string message)
    {
        var (exit, _, error) = await InvokeAsync("keys", "create", "--db", DatabasePath, "--team", "t", option, value);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_UnknownKey_SaysHowToFindIds()
    {
        var (exit, _, error) = await InvokeAsync("keys", "revoke", "--db", DatabasePath, "sy_aaaaaaaaaa");

        Assert.Equal(1, exit);
        Assert.Contains("There is no key sy_aaaaaaaaaa (switchyard keys list shows the ids)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ConfigurationSilentOnKeys_DoesNotStart()
    {
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, """
            providers:
              vllm: { kind: openai, base_url: http://127.0.0.1:9/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            """);

        var (exit, _, error) = await InvokeAsync("serve", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("auth: switchyard serve needs to know whether requests need keys", error, StringComparison.Ordinal);
        Assert.Contains("auth: { keys: required }", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
