using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// The official Anthropic .NET SDK, a client nobody here wrote, against <c>POST /v1/messages</c> over real sockets: on a
/// route served by an OpenAI-compatible server, and on one served by Anthropic (both translations).
/// </summary>
public class AnthropicDotNetSdkTests
{
    private static AnthropicClient Client(TestGateway gateway) => new()
    {
        ApiKey = "sk-ant-conformance",
        BaseUrl = gateway.Gateway.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
    };

    private static Task<TestGateway> StartAsync(string upstream) => TestGateway.StartAsync(("chat", [("d", upstream)]));

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task Create_ReturnsTextAndUsage(string upstream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "chat",
            MaxTokens = 64,
            System = "Be brief.",
            Messages = [new UserMessageParam("Say hello.")],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.NotEmpty(text!.Text);
        Assert.True(message.Usage.InputTokens > 0);
        Assert.True(message.Usage.OutputTokens > 0);
    }

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task CreateStreaming_DeltasAssembleTheAnswer(string upstream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);
        var text = new System.Text.StringBuilder();
        var sawStop = false;

        await foreach (var e in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "chat",
            MaxTokens = 64,
            Messages = [new UserMessageParam("Stream something.")],
        }))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var part))
            {
                text.Append(part!.Text);
            }

            sawStop |= e.TryPickStop(out _);
        }

        Assert.NotEmpty(text.ToString());
        Assert.True(sawStop);
    }

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task ToolUse_RoundTrip(string upstream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);
        Tool tool = new()
        {
            Name = "get_weather",
            Description = "Weather for a city",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
                Required = ["city"],
            },
        };
        var question = new UserMessageParam("Weather in Paris?");

        var first = await client.Messages.Create(new MessageCreateParams
        {
            Model = "chat",
            MaxTokens = 200,
            Tools = [tool],
            ToolChoice = new ToolChoiceAny(),
            Messages = [question],
        });

        Assert.True(first.StopReason == StopReason.ToolUse, $"stop reason {first.StopReason}");
        var use = first.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).Single(u => u is not null)!;
        Assert.Equal("get_weather", use.Name);
        Assert.True(use.Input.ContainsKey("city"));

        var second = await client.Messages.Create(new MessageCreateParams
        {
            Model = "chat",
            MaxTokens = 200,
            Tools = [tool],
            Messages =
            [
                question,
                new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input } }),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(use.ID) { Content = "18 degrees, sunny" } }),
            ],
        });

        Assert.True(second.Content[0].TryPickText(out var answer));
        Assert.NotEmpty(answer!.Text);
    }

    [Fact]
    public async Task UnknownModel_IsTheSdksNotFoundError()
    {
        await using var gateway = await StartAsync("llama-3.1-8b-instruct");
        var client = Client(gateway);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Messages.Create(new MessageCreateParams
        {
            Model = "no-such-route",
            MaxTokens = 5,
            Messages = [new UserMessageParam("x")],
        }));

        Assert.Contains("NotFound", error.GetType().Name, StringComparison.Ordinal);
        Assert.Contains("no-such-route", error.Message, StringComparison.Ordinal);
    }
}
