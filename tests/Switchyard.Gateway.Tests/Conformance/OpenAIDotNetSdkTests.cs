using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>The official OpenAI .NET SDK, a client nobody here wrote, against the gateway over real sockets.</summary>
public class OpenAIDotNetSdkTests
{
    private static OpenAIClientOptions Options(TestGateway gateway) => new()
    {
        Endpoint = gateway.OpenAIBaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    private static readonly ApiKeyCredential Key = new("sk-conformance");

    private static Task<TestGateway> StartAsync() => TestGateway.StartAsync(("chat", [("llama", "llama-3.1-8b-instruct")]), ("embeddings", [("emb", "e")]));

    [Fact]
    public async Task CompleteChat_ReturnsContentAndUsage()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("chat", Key, Options(gateway));

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Say hello.")], new ChatCompletionOptions { MaxOutputTokenCount = 40 });

        Assert.NotEmpty(completion.Content[0].Text);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task CompleteChatStreaming_AssemblesTheAnswer()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("chat", Key, Options(gateway));
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Stream something.")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.NotEmpty(text.ToString());
        Assert.NotNull(finish);
    }

    [Fact]
    public async Task CompleteChat_WithRequiredTool_ReturnsParsableToolCall()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("chat", Key, Options(gateway));
        var tool = ChatTool.CreateFunctionTool(
            "get_weather",
            "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using var args = System.Text.Json.JsonDocument.Parse(call.FunctionArguments);
        Assert.True(args.RootElement.TryGetProperty("city", out _));
    }

    [Fact]
    public async Task CompleteChatStreaming_WithTool_DeltasReassembleIntoValidArguments()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("chat", Key, Options(gateway));
        var tool = ChatTool.CreateFunctionTool("lookup", "Look up", BinaryData.FromString("""{"type":"object","properties":{"q":{"type":"string"},"n":{"type":"integer"}},"required":["q"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        var arguments = new System.Text.StringBuilder();
        string? name = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Find it")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal("lookup", name);
        using var args = System.Text.Json.JsonDocument.Parse(arguments.ToString());
        Assert.True(args.RootElement.TryGetProperty("q", out _));
    }

    [Fact]
    public async Task CompleteChat_JsonMode_ReturnsJson()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("chat", Key, Options(gateway));
        ChatCompletion completion = await client.CompleteChatAsync(
            [new UserChatMessage("Answer as JSON.")],
            new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() });
        using var json = System.Text.Json.JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task GenerateEmbeddings_ReturnsOneVectorPerInput()
    {
        await using var gateway = await StartAsync();
        var client = new EmbeddingClient("embeddings", Key, Options(gateway));
        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["alpha", "beta", "gamma"]);
        Assert.Equal(3, embeddings.Count);
        Assert.True(embeddings[0].ToFloats().Length > 0);
    }

    [Fact]
    public async Task GetModels_ListsRoutes()
    {
        await using var gateway = await StartAsync();
        var client = new OpenAIModelClient(Key, Options(gateway));
        OpenAIModelCollection models = await client.GetModelsAsync();
        Assert.Contains(models, m => m.Id == "chat");
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_ThrowsWith404()
    {
        await using var gateway = await StartAsync();
        var client = new ChatClient("nope", Key, Options(gateway));
        var e = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(404, e.Status);
        Assert.Contains("chat", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_AllDeploymentsDown_ThrowsWith502()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("down", "fault-unavailable")]));
        var client = new ChatClient("chat", Key, Options(gateway));
        var e = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(502, e.Status);
    }
}
