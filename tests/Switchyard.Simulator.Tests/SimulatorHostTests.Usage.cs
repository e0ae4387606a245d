using System.Collections.Immutable;
using System.Text.Json;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests;

/// <summary>Usage details: prompt tokens read from a prompt cache, and a reasoning model's hidden tokens.</summary>
public sealed partial class SimulatorHostTests
{
    private const string LongSystemPrompt =
        "You are the support assistant of a company that sells bicycles, spare parts and repairs. Answer in two sentences, "
        + "politely, and never promise a delivery date. Mention the warranty when a part broke within two years of purchase.";

    [Fact]
    public async Task ChatCompletions_PromptSeenBefore_ReportsItsCachedPrefixInWholeBlocks()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Models = [new SimulatedModel { Name = "cached", Skill = PerfectSkill, PrefixCacheBlockTokens = 16 }],
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        var first = await UsageAsync(client, Conversation("cached", "My brake cable snapped."));
        var again = await UsageAsync(client, Conversation("cached", "My brake cable snapped.", "\"seed\":5"));
        var otherQuestion = await UsageAsync(client, Conversation("cached", "Do you sell tyres?"));

        Assert.Equal(0, Cached(first));
        // The same messages again (another seed: a prefix cache ignores sampling): everything but the last token, in
        // whole 16-token blocks.
        var prompt = again.GetProperty("prompt_tokens").GetInt32();
        Assert.Equal((prompt - 1) / 16 * 16, Cached(again));
        // Another question after the same system prompt: the system prompt's tokens (3 to prime the reply, 4 for the
        // message, a token per 4 bytes), in whole blocks.
        var system = 3 + 4 + ((LongSystemPrompt.Length + 3) / 4);
        Assert.Equal(system / 16 * 16, Cached(otherQuestion));
        Assert.True(Cached(otherQuestion) > 0);
    }

    [Fact]
    public async Task ChatCompletions_ModelWithoutAPromptCache_ReportsNoCachedTokens()
    {
        var body = Conversation(Perfect, "My brake cable snapped.");
        await UsageAsync(_client, body);

        Assert.Equal(0, Cached(await UsageAsync(_client, body)));
    }

    [Fact]
    public async Task ChatCompletions_ReasoningModel_CountsItsHiddenTokensInTheCompletion()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Models = [new SimulatedModel { Name = "thinker", Skill = PerfectSkill, ReasoningTokens = 100 }],
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var body = ChatBody("thinker", "Why is the sky blue?");

        using var response = await client.SendAsync(Post("v1/chat/completions", body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var usage = json.RootElement.GetProperty("usage");
        var reasoning = usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        var visible = usage.GetProperty("completion_tokens").GetInt32() - reasoning;
        var streamed = await StreamUsageAsync(client, ChatBody("thinker", "Why is the sky blue?", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        var capped = await UsageAsync(client, ChatBody("thinker", "Why is the sky blue?", "\"max_tokens\":" + (visible + 10)));

        Assert.InRange(reasoning, 50, 150);
        Assert.True(visible > 0);
        // The visible answer is the same text a model without reasoning writes; its tokens are the content's.
        Assert.Equal(reasoning, streamed.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), streamed.GetProperty("completion_tokens").GetInt32());
        // max_tokens bounds the reasoning and the answer together.
        Assert.Equal(visible + 10, capped.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(10, capped.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    private static string Conversation(string model, string question, string? extra = null)
        => JsonSerializer.Serialize(new { model, messages = new[] { new { role = "system", content = LongSystemPrompt }, new { role = "user", content = question } } })[..^1]
            + (extra is null ? "" : "," + extra) + "}";

    private static int Cached(JsonElement usage) => usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

    private static async Task<JsonElement> UsageAsync(HttpClient client, string body)
    {
        using var response = await client.SendAsync(Post("v1/chat/completions", body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("usage").Clone();
    }

    private static async Task<JsonElement> StreamUsageAsync(HttpClient client, string body)
    {
        using var response = await client.SendAsync(Post("v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        return JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").Clone();
    }
}
