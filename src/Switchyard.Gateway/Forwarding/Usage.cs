namespace Switchyard.Gateway.Forwarding;

/// <summary>Token usage as the upstream reported it.</summary>
/// <param name="PromptTokens">Input tokens (<c>prompt_tokens</c>), cached ones included.</param>
/// <param name="CompletionTokens">Output tokens (<c>completion_tokens</c>), reasoning ones included.</param>
/// <param name="CachedTokens">Input tokens read from the provider's prompt cache (<c>prompt_tokens_details.cached_tokens</c>).</param>
/// <param name="ReasoningTokens">Output tokens spent reasoning (<c>completion_tokens_details.reasoning_tokens</c>).</param>
/// <param name="Estimated">The upstream reported none: the gateway estimated the counts (<see cref="Estimate"/>).</param>
internal readonly record struct Usage(int PromptTokens, int CompletionTokens, int CachedTokens = 0, int ReasoningTokens = 0, bool Estimated = false)
{
    /// <summary>
    /// Counts for an answer whose upstream reported no usage: the prompt as the request parser estimated it (a token per
    /// 4 bytes of its text, plus 4 a message and 3 to prime the reply), the answer a token per 4 characters of its text
    /// (tool calls: per 4 bytes of the whole response, an overestimate). Such a request's cost is marked estimated.
    /// </summary>
    public static Usage Estimate(int promptTokens, ReadOnlySpan<byte> completionJson)
    {
        using var answer = new Quality.AnswerCollector();
        Quality.AnswerReader.ReadCompletion(completionJson, answer);
        var completion = answer.HasToolCalls ? completionJson.Length / 4 : (answer.Text.Length + 3) / 4;
        return new Usage(promptTokens, completion, Estimated: true);
    }
}
