using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// The official <c>openai</c> npm client's Responses API (<c>client.responses</c>: create, streaming, the stream helper,
/// function tools continued with <c>previous_response_id</c>, retrieve, input items, delete, errors) against
/// <c>/v1/responses</c>, on a route served by an OpenAI-compatible server and on one served by Anthropic. The script is
/// <c>tests/conformance/node/openai-responses.mjs</c>.
/// </summary>
public class OpenAINodeResponsesTests
{
    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task OpenAINpmClient_OnResponses_PassesEveryCheck(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(
            SimulatorFixtures.Instant,
            d => d with { Retry = new RetryConfig { Attempts = 0 } },
            [("chat", [("d", upstream)]), ("cut", [("broken", "fault-cut_after_first_chunk")])]);

        await NodeScript.AssertPassesAsync("openai-responses.mjs", "openai", gateway.OpenAIBaseUrl.ToString());
    }
}
