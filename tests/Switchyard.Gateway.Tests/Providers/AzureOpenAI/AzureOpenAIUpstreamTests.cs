using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Providers.AzureOpenAI;

/// <summary>
/// Azure OpenAI deployments over real sockets: the simulator answers only Azure's URL shape (deployment in the path,
/// <c>api-version</c> in the query, <c>api-key</c> header), so an answer proves the gateway built them.
/// </summary>
public class AzureOpenAIUpstreamTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_ChatOnAzureDeployment_Answers(bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("azure-4o", "azure:gpt-4o")]));

        using var response = await gateway.PostAsync("chat/completions", $$"""{"model":"chat","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hello"}]}""", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (stream)
        {
            var events = await Sse.ReadAllAsync(response);
            Assert.Equal("[DONE]", events[^1]);
            Assert.NotEmpty(Sse.Content(events));
        }
        else
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.NotEmpty(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        }

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("azure-4o", entry.Deployment);
        Assert.True(entry.OutputTokens > 0);
    }

    [Fact]
    public async Task Post_EmbeddingsOnAzureDeployment_Answers()
    {
        await using var gateway = await TestGateway.StartAsync(("emb", [("azure-emb", "azure:text-embedding-3-small")]));

        using var response = await gateway.PostAsync("embeddings", """{"model":"emb","input":"hello"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("data")[0].GetProperty("embedding").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Post_AzureServerError_FailsOverLikeOpenAI()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("azure-broken", "azure:fault-server_error"), ("healthy", "llama")]));

        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", response.Headers.GetValues("x-switchyard-deployment").Single());
    }
}
