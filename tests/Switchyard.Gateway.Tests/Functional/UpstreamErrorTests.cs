using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>Upstream errors that are not OpenAI JSON (a proxy's HTML page) still reach the client as a clear error.</summary>
public class UpstreamErrorTests
{
    private static async Task<(HttpStatusCode Status, string Message)> AskAsync(CannedUpstream upstream)
    {
        var config = new GatewayConfig
        {
            Registry = new RegistryConfig { Enforcement = RegistryEnforcement.Off },
            Server = new ServerConfig { Listen = "http://127.0.0.1:0" },
            Storage = new StorageConfig(),
            RequestLog = new RequestLogConfig { Enabled = false },
            Providers = [new ProviderConfig { Name = "canned", Kind = ProviderKind.OpenAI, BaseUrl = upstream.BaseUrl }],
            Deployments = [new DeploymentConfig { Name = "behind-proxy", Provider = "canned", Model = "m" }],
            Routes = [new RouteConfig { Name = "chat", Deployments = ImmutableArray.Create("behind-proxy") }],
        };
        await using var gateway = await GatewayHost.StartAsync(config);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var response = await client.PostAsync("v1/chat/completions", TestGateway.Json("""{"model":"chat","messages":[{"role":"user","content":"x"}]}"""));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.GetProperty("error").GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task Post_Upstream400WithAnHtmlPage_Is400NamingTheDeploymentAndQuotingThePage()
    {
        await using var upstream = new CannedUpstream(CannedUpstream.Response(400, "Bad Request", "text/html", "<html><body><h1>400 Bad Request</h1>Request header too large</body></html>"));

        var (status, message) = await AskAsync(upstream);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("behind-proxy", message, StringComparison.Ordinal);
        Assert.Contains("Request header too large", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Upstream502WithAnHtmlPage_Is502QuotingThePage()
    {
        await using var upstream = new CannedUpstream(CannedUpstream.Response(502, "Bad Gateway", "text/html", "<html><center>nginx: upstream vllm-0 is down</center></html>"));

        var (status, message) = await AskAsync(upstream);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("upstream vllm-0 is down", message, StringComparison.Ordinal);
    }
}
