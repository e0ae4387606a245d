using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary>
/// The keys of the <c>anthropic</c> and <c>azure-openai</c> provider kinds: read into the snapshot, refused on other
/// kinds, and every mistake reported with its file, line and key.
/// </summary>
public class ProviderKindConfigTests
{
    private const string FileName = "switchyard.yaml";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["ANTHROPIC_API_KEY"] = "sk-ant-0123456789abcdef",
        ["AZURE_API_KEY"] = "0123456789abcdef0123",
    };

    private static ConfigLoadResult Parse(string yaml)
        => ConfigLoader.Parse(yaml, FileName, name => Environment.TryGetValue(name, out var value) ? value : null);

    [Fact]
    public void Parse_AnthropicAndAzureProviders_ReadEveryKey()
    {
        var result = Parse("""
            providers:
              claude-api:
                kind: anthropic
                base_url: https://api.anthropic.com/v1
                api_key: ${ANTHROPIC_API_KEY}
                anthropic_version: "2023-06-01"
                anthropic_beta: [prompt-caching-2024-07-31, token-efficient-tools-2025-02-19]
              azure:
                kind: azure-openai
                endpoint: https://acme.openai.azure.com/
                api_version: 2024-10-21
                api_key: ${AZURE_API_KEY}
            deployments:
              claude: { provider: claude-api, model: claude-sonnet-4-5, default_max_tokens: 8192 }
              gpt-4o: { provider: azure, model: gpt-4o, azure_deployment: prod-4o }
            routes:
              chat: { deployments: [claude, gpt-4o] }
            """);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        var config = result.Config!;
        var anthropic = config.Providers.Single(p => p.Name == "claude-api");
        Assert.Equal(ProviderKind.Anthropic, anthropic.Kind);
        Assert.Equal("2023-06-01", anthropic.AnthropicVersion);
        Assert.Equal(["prompt-caching-2024-07-31", "token-efficient-tools-2025-02-19"], anthropic.AnthropicBeta.ToArray());
        var azure = config.Providers.Single(p => p.Name == "azure");
        Assert.Equal(ProviderKind.AzureOpenAI, azure.Kind);
        Assert.Equal("https://acme.openai.azure.com", azure.BaseUrl.OriginalString);
        Assert.Equal("2024-10-21", azure.ApiVersion);
        var claude = config.Deployments.Single(d => d.Name == "claude");
        Assert.Equal(8192, claude.DefaultMaxTokens);
        Assert.Equal(Hosting.External, claude.Hosting);
        var gpt = config.Deployments.Single(d => d.Name == "gpt-4o");
        Assert.Equal("prod-4o", gpt.AzureDeployment);
        Assert.Equal(Hosting.External, gpt.Hosting);
    }

    [Fact]
    public void Parse_AnthropicDefaults_VersionAndMaxTokens()
    {
        var result = Parse("""
            providers:
              a: { kind: anthropic, base_url: "http://127.0.0.1:9000/v1" }
            deployments:
              claude: { provider: a, model: claude-haiku-4-5 }
            routes:
              chat: { deployments: [claude] }
            """);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(ProviderConfig.DefaultAnthropicVersion, result.Config!.Providers[0].AnthropicVersion);
        Assert.Equal(DeploymentConfig.DefaultAnthropicMaxTokens, result.Config.Deployments[0].DefaultMaxTokens);
        Assert.Empty(result.Config.Providers[0].AnthropicBeta);
    }

    [Theory]
    [InlineData("  a: { kind: openai, base_url: http://h/v1, api_version: 2024-10-21 }", 2, "providers.a.api_version", "a key of kind: azure-openai providers")]
    [InlineData("  a: { kind: openai, base_url: http://h/v1, anthropic_beta: [x] }", 2, "providers.a.anthropic_beta", "a key of kind: anthropic providers")]
    [InlineData("  a: { kind: anthropic, base_url: http://h/v1, anthropic_version: latest }", 2, "providers.a.anthropic_version", "they are dates")]
    [InlineData("  a: { kind: anthropic, base_url: https://api.anthropic.com }", 2, "providers.a.base_url", "https://api.anthropic.com/v1")]
    [InlineData("  a: { kind: anthropic, base_url: http://h/v1, anthropic_beta: [\"bad beta\"] }", 2, "providers.a.anthropic_beta", "letters, digits")]
    [InlineData("  a: { kind: azure-openai, endpoint: https://x.openai.azure.com }", 2, "providers.a.api_version", "add e.g. api_version: 2024-10-21")]
    [InlineData("  a: { kind: azure-openai, base_url: https://x.openai.azure.com, api_version: 2024-10-21 }", 2, "providers.a.base_url", "Rename base_url to endpoint")]
    [InlineData("  a: { kind: azure-openai, api_version: 2024-10-21 }", 2, "providers.a.endpoint", "endpoint: https://my-resource.openai.azure.com")]
    [InlineData("  a: { kind: azure-openai, endpoint: https://x.openai.azure.com, api_version: \"2024 10\" }", 2, "providers.a.api_version", "is not an API version")]
    public void Parse_ProviderKindMistake_NamesLineAndKey(string provider, int line, string key, string fragment)
    {
        var result = Parse($$"""
            providers:
            {{provider}}
            deployments:
              d: { provider: a, model: m }
            routes:
              chat: { deployments: [d] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(FileName, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai", "default_max_tokens: 100", "deployments.d.default_max_tokens", "applies to deployments on kind: anthropic providers")]
    [InlineData("azure", "default_max_tokens: 100", "deployments.d.default_max_tokens", "applies to deployments on kind: anthropic providers")]
    [InlineData("anthropic", "default_max_tokens: 0", "deployments.d.default_max_tokens", "")]
    [InlineData("anthropic", "azure_deployment: x", "deployments.d.azure_deployment", "names an Azure OpenAI deployment")]
    [InlineData("azure", "azure_deployment: \"a b\"", "deployments.d.azure_deployment", "letters, digits")]
    public void Parse_DeploymentKeyOfAnotherKind_NamesLineAndKey(string provider, string key, string path, string fragment)
    {
        var result = Parse($$"""
            providers:
              openai: { kind: openai, base_url: http://h/v1 }
              anthropic: { kind: anthropic, base_url: http://h/v1 }
              azure: { kind: azure-openai, endpoint: http://h, api_version: 2024-10-21 }
            deployments:
              d: { provider: {{provider}}, model: m, {{key}} }
            routes:
              chat: { deployments: [d] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Equal(path, error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AzureModelThatCannotBeADeploymentName_AsksForAzureDeployment()
    {
        var result = Parse("""
            providers:
              azure: { kind: azure-openai, endpoint: http://h, api_version: 2024-10-21 }
            deployments:
              d: { provider: azure, model: "openai/gpt 4o" }
            routes:
              chat: { deployments: [d] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("deployments.d.azure_deployment", error.Key);
        Assert.Equal(4, error.Line);
        Assert.Contains("Add azure_deployment: NAME", error.Message, StringComparison.Ordinal);
    }
}
