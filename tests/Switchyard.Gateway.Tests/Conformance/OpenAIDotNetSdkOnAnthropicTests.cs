using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// The official OpenAI .NET SDK on a route served by an Anthropic deployment: the gateway translates its requests into
/// Anthropic's Messages API and the answers back, and the SDK cannot tell.
/// </summary>
public class OpenAIDotNetSdkOnAnthropicTests
{
    private static ChatClient Client(TestGateway gateway) => new("claude", new ApiKeyCredential("sk-conformance"), new OpenAIClientOptions
    {
        Endpoint = gateway.OpenAIBaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    private static Task<TestGateway> StartAsync() => TestGateway.StartAsync(("claude", [("claude", "anthropic:claude-sonnet-4-5")]));

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather",
        "Weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    [Fact]
    public async Task CompleteChat_ReturnsContentAndUsage()
    {
        await using var gateway = await StartAsync();

        ChatCompletion completion = await Client(gateway).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Say hello.")], new ChatCompletionOptions { MaxOutputTokenCount = 40 });

        Assert.NotEmpty(completion.Content[0].Text);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task CompleteChatStreaming_AssemblesTheAnswerAndUsage()
    {
        await using var gateway = await StartAsync();
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;

        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("Stream something.")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.NotEmpty(text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(usage?.OutputTokenCount > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolCall_RoundTrip(bool stream)
    {
        await using var gateway = await StartAsync();
        var client = Client(gateway);
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        string id, arguments;
        if (stream)
        {
            var builder = new System.Text.StringBuilder();
            string? callId = null;
            await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
            {
                foreach (var call in update.ToolCallUpdates)
                {
                    Assert.Equal(0, call.Index);
                    callId ??= call.ToolCallId;
                    builder.Append(call.FunctionArgumentsUpdate?.ToString());
                }
            }

            (id, arguments) = (callId!, builder.ToString());
        }
        else
        {
            ChatCompletion completion = await client.CompleteChatAsync(messages, options);
            Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
            var call = Assert.Single(completion.ToolCalls);
            (id, arguments) = (call.Id, call.FunctionArguments.ToString());
        }

        using (var args = JsonDocument.Parse(arguments))
        {
            Assert.True(args.RootElement.TryGetProperty("city", out _));
        }

        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(id, "get_weather", BinaryData.FromString(arguments))]));
        messages.Add(new ToolChatMessage(id, "18 degrees, sunny"));
        ChatCompletion answer = await client.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { Weather } });

        Assert.NotEmpty(answer.Content[0].Text);
    }

    [Fact]
    public async Task Logprobs_IsA400NamingTheParameter()
    {
        await using var gateway = await StartAsync();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway).CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { IncludeLogProbabilities = true }));

        Assert.Equal(400, error.Status);
        Assert.Contains("logprobs", error.Message, StringComparison.Ordinal);
    }
}
