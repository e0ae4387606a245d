using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI.Responses;
using Switchyard.Gateway.Tests.Functional;

// The OpenAI .NET SDK marks its Responses client experimental (OPENAI001); it is the client under test here.
#pragma warning disable OPENAI001

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// The official OpenAI .NET SDK's Responses client (<see cref="ResponsesClient"/>), a client nobody here wrote, against
/// <c>/v1/responses</c> over real sockets, on a route served by an OpenAI-compatible server and on one served by Anthropic.
/// </summary>
public class OpenAIDotNetResponsesTests
{
    private static readonly ApiKeyCredential Key = new("sk-conformance");

    private static readonly BinaryData WeatherSchema = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    private static ResponsesClient Client(TestGateway gateway) => new(Key, new ResponsesClientOptions
    {
        Endpoint = gateway.OpenAIBaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    private static Task<TestGateway> StartAsync(string upstream) => TestGateway.StartAsync(("chat", [("d", upstream)]));

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task CreateResponse_ReturnsTextUsageAndTheRequestsFields(string upstream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);
        var options = new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Say hello.")])
        {
            Instructions = "Be brief.",
            MaxOutputTokenCount = 200,
            Temperature = 0.5f,
        };
        options.Metadata["ticket"] = "T-1";

        ResponseResult response = await client.CreateResponseAsync(options);

        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.NotEmpty(response.GetOutputText());
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
        Assert.Equal(MessageRole.Assistant, message.Role);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal(200, response.MaxOutputTokenCount);
        Assert.Equal(0.5f, response.Temperature);
        Assert.Equal("T-1", response.Metadata["ticket"]);
        Assert.True(response.CreatedAt > DateTimeOffset.UnixEpoch);
    }

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task CreateResponseStreaming_DeltasAddUpToTheCompletedResponse(string upstream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);
        var text = new System.Text.StringBuilder();
        var sequence = new List<int>();
        ResponseResult? created = null;
        ResponseResult? completed = null;
        string? done = null;

        await foreach (var update in await client.CreateResponseStreamingAsync(new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Stream something.")]) { StreamingEnabled = true }))
        {
            sequence.Add(update.SequenceNumber);
            switch (update)
            {
                case StreamingResponseCreatedUpdate c:
                    created = c.Response;
                    break;
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseOutputTextDoneUpdate textDone:
                    done = textDone.Text;
                    break;
                case StreamingResponseCompletedUpdate c:
                    completed = c.Response;
                    break;
            }
        }

        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        Assert.NotNull(created);
        Assert.Equal(ResponseStatus.InProgress, created.Status);
        Assert.NotNull(completed);
        Assert.Equal(created.Id, completed.Id);
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.NotEmpty(text.ToString());
        Assert.Equal(text.ToString(), done);
        Assert.Equal(text.ToString(), completed.GetOutputText());
        Assert.True(completed.Usage.OutputTokenCount > 0);
    }

    [Theory]
    [InlineData("llama-3.1-8b-instruct", false)]
    [InlineData("llama-3.1-8b-instruct", true)]
    [InlineData("anthropic:claude-sonnet-4-5", false)]
    [InlineData("anthropic:claude-sonnet-4-5", true)]
    public async Task FunctionToolRoundTrip_ThroughPreviousResponseId(string upstream, bool stream)
    {
        await using var gateway = await StartAsync(upstream);
        var client = Client(gateway);
        var options = new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("What is the weather in Paris?")])
        {
            Tools = { ResponseTool.CreateFunctionTool("get_weather", WeatherSchema, strictModeEnabled: false, "Weather for a city") },
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
        };

        ResponseResult first;
        if (stream)
        {
            ResponseResult? completed = null;
            BinaryData? arguments = null;
            options.StreamingEnabled = true;
            await foreach (var update in await client.CreateResponseStreamingAsync(options))
            {
                if (update is StreamingResponseFunctionCallArgumentsDoneUpdate argumentsDone)
                {
                    Assert.Equal("get_weather", argumentsDone.FunctionName);
                    arguments = argumentsDone.FunctionArguments;
                }
                else if (update is StreamingResponseCompletedUpdate done)
                {
                    completed = done.Response;
                }
            }

            first = completed!;
            Assert.Equal(arguments!.ToString(), first.OutputItems.OfType<FunctionCallResponseItem>().Single().FunctionArguments.ToString());
        }
        else
        {
            first = await client.CreateResponseAsync(options);
        }

        var call = first.OutputItems.OfType<FunctionCallResponseItem>().Single();
        Assert.Equal("get_weather", call.FunctionName);
        using (var arguments = JsonDocument.Parse(call.FunctionArguments))
        {
            Assert.True(arguments.RootElement.TryGetProperty("city", out _));
        }

        var followUp = new CreateResponseOptions("chat", [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "18 degrees, sunny")])
        {
            PreviousResponseId = first.Id,
            Tools = { ResponseTool.CreateFunctionTool("get_weather", WeatherSchema, strictModeEnabled: false, "Weather for a city") },
        };
        ResponseResult second = await client.CreateResponseAsync(followUp);

        Assert.Equal(first.Id, second.PreviousResponseId);
        Assert.NotEmpty(second.GetOutputText());
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount);
    }

    [Fact]
    public async Task StoredResponse_GetListInputItemsDelete()
    {
        await using var gateway = await StartAsync("llama-3.1-8b-instruct");
        var client = Client(gateway);
        ResponseResult created = await client.CreateResponseAsync(new CreateResponseOptions("chat",
            [ResponseItem.CreateDeveloperMessageItem("Answer in French."), ResponseItem.CreateUserMessageItem("Hello.")]));

        ResponseResult fetched = await client.GetResponseAsync(created.Id);
        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.GetOutputText(), fetched.GetOutputText());

        var items = new List<ResponseItem>();
        await foreach (var item in client.GetResponseInputItemsAsync(new ResponseItemCollectionOptions(created.Id) { PageSizeLimit = 1, Order = ResponseItemCollectionOrder.Ascending }))
        {
            items.Add(item);
        }

        Assert.Equal([MessageRole.Developer, MessageRole.User], items.Cast<MessageResponseItem>().Select(m => m.Role));

        ResponseDeletionResult deleted = await client.DeleteResponseAsync(created.Id);
        Assert.True(deleted.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(created.Id));
        Assert.Equal(404, gone.Status);
    }

    [Fact]
    public async Task BuiltInTool_IsA400TheSdkRaises()
    {
        await using var gateway = await StartAsync("llama-3.1-8b-instruct");
        var client = Client(gateway);
        var options = new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Search the web.")])
        {
            Tools = { ResponseTool.CreateWebSearchTool() },
        };

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(options));

        Assert.Equal(400, error.Status);
        Assert.Contains("built-in tools", error.Message, StringComparison.Ordinal);
    }
}
