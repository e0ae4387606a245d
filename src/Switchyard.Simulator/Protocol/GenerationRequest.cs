using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// The fields of a chat or legacy completion request that the simulator acts on; everything else is skipped while parsing.
/// </summary>
internal sealed class GenerationRequest
{
    public EndpointKind Endpoint { get; init; }

    public string? Model { get; set; }

    public bool Stream { get; set; }

    public bool HasStreamOptions { get; set; }

    public bool IncludeUsage { get; set; }

    public int N { get; set; } = 1;

    public int? MaxTokens { get; set; }

    public byte[][]? Stop { get; set; }

    public long? Seed { get; set; }

    public double? Temperature { get; set; }

    /// <summary>Chat: <c>logprobs: true</c>. Legacy: <c>logprobs</c> is set (to how many alternatives).</summary>
    public bool Logprobs { get; set; }

    /// <summary>Chat: <c>top_logprobs</c>. Legacy: the value of <c>logprobs</c>.</summary>
    public int TopLogprobs { get; set; }

    public ToolDefinition[]? Tools { get; set; }

    public bool HasToolChoice { get; set; }

    public ToolChoiceMode ToolChoice { get; set; }

    public string? ToolChoiceName { get; set; }

    public bool ParallelToolCalls { get; set; } = true;

    public ResponseFormatKind ResponseFormat { get; set; }

    /// <summary>The <c>json_schema.schema</c>, or undefined.</summary>
    public JsonElement ResponseSchema { get; set; }

    /// <summary>The conversation ends with a tool result, so the model answers in text rather than calling again.</summary>
    public bool LastMessageIsToolResult { get; set; }

    /// <summary>The question and answer of a judge request (see <see cref="JudgePrompt"/>), or null.</summary>
    public JudgePrompt? Judge { get; set; }

    /// <summary>One entry for a chat; one per prompt for a legacy completion.</summary>
    public PromptInfo[] Prompts { get; set; } = [];

    /// <summary>Prompt tokens of the whole request (all prompts, tools included).</summary>
    public int PromptTokens { get; set; }

    /// <summary>
    /// A chat's leading runs of whole messages, shortest first: the hash of messages 0..i and their tokens, for a model's
    /// prompt cache. Empty for legacy completions.
    /// </summary>
    public (ulong Hash, int Tokens)[] Prefixes { get; set; } = [];

    /// <summary>Tools apply: given, not disabled by <c>tool_choice: none</c>, and the last message is not a tool result.</summary>
    public bool UsesTools => Tools is { Length: > 0 } && ToolChoice != ToolChoiceMode.None && !LastMessageIsToolResult;
}
