using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>
/// <c>/v1/responses</c> on a route with a quality gate: a poor answer of the open model is held back and escalated to the
/// frontier, and the client gets the better answer as a response object (or its events), as a chat client would.
/// </summary>
public sealed class ResponsesQualityGateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_PoorAnswer_EscalatesAndTheClientGetsTheFrontiersAnswer(bool stream)
    {
        SimulatorOptions models = new() { Models = [Model("weak", 0), Model("strong", 1)] };
        await using var gateway = await TieredGateway.StartAsync($$"""
            storage: { path: "{{Path.Combine(_directory, "switchyard.db")}}" }
            deployments:
              llama: { provider: internal, model: weak }
              gpt: { provider: external, model: strong, hosting: external }
            routes:
              chat: { quality: { streaming: buffer }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
            """, models, externalSimulator: models);

        using var request = new HttpRequestMessage(HttpMethod.Post, "responses")
        {
            Content = new StringContent($$"""{"model":"chat","stream":{{(stream ? "true" : "false")}},"input":"Tell me about the weather in Lyon."}""", Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        var result = stream
            ? JsonDocument.Parse(body.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).RootElement.GetProperty("response")
            : JsonDocument.Parse(body).RootElement;
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.NotEmpty(result.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!);
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("responses", entry.Endpoint);
        Assert.Equal("llama", entry.EscalatedFrom);
        Assert.Equal(result.GetProperty("usage").GetProperty("output_tokens").GetInt32(), entry.OutputTokens);
    }

    private static SimulatedModel Model(string name, double skill) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(kind => KeyValuePair.Create(kind, skill))),
        ContextWindow = 128_000,
    };
}
