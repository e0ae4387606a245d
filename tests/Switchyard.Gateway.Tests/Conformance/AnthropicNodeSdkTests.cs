using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// Official npm clients nobody here wrote, across the translations: <c>@anthropic-ai/sdk</c> against <c>/v1/messages</c>
/// (a route served by an OpenAI-compatible server, and one served by Anthropic), and <c>openai</c> against a route served
/// by Anthropic. The scripts are in <c>tests/conformance/node</c>; <c>scripts/test.sh</c> installs their packages.
/// </summary>
public class AnthropicNodeSdkTests
{
    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task AnthropicNpmClient_OnMessages_PassesEveryCheck(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        await NodeScript.AssertPassesAsync("anthropic-conformance.mjs", "@anthropic-ai/sdk", gateway.Gateway.BaseAddress.ToString().TrimEnd('/'));
    }

    [Fact]
    public async Task OpenAINpmClient_OnAnthropicUpstream_PassesEveryCheck()
    {
        await using var gateway = await TestGateway.StartAsync(("claude", [("claude", "anthropic:claude-sonnet-4-5")]));

        await NodeScript.AssertPassesAsync("openai-anthropic-upstream.mjs", "openai", gateway.OpenAIBaseUrl.ToString());
    }
}
