using System.Text.Json;

namespace Switchyard.Simulator.Protocol;

/// <summary>Property names and constant values of OpenAI's formats, encoded once (PERF: no per-write escaping checks).</summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id"u8);
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object"u8);
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created"u8);
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model"u8);
    public static readonly JsonEncodedText SystemFingerprint = JsonEncodedText.Encode("system_fingerprint"u8);
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices"u8);
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index"u8);
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message"u8);
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta"u8);
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role"u8);
    public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content"u8);
    public static readonly JsonEncodedText Refusal = JsonEncodedText.Encode("refusal"u8);
    public static readonly JsonEncodedText Annotations = JsonEncodedText.Encode("annotations"u8);
    public static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs"u8);
    public static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason"u8);
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage"u8);
    public static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens"u8);
    public static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens"u8);
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens"u8);
    public static readonly JsonEncodedText PromptTokensDetails = JsonEncodedText.Encode("prompt_tokens_details"u8);
    public static readonly JsonEncodedText CompletionTokensDetails = JsonEncodedText.Encode("completion_tokens_details"u8);
    public static readonly JsonEncodedText CachedTokens = JsonEncodedText.Encode("cached_tokens"u8);
    public static readonly JsonEncodedText AudioTokens = JsonEncodedText.Encode("audio_tokens"u8);
    public static readonly JsonEncodedText ReasoningTokens = JsonEncodedText.Encode("reasoning_tokens"u8);
    public static readonly JsonEncodedText AcceptedPredictionTokens = JsonEncodedText.Encode("accepted_prediction_tokens"u8);
    public static readonly JsonEncodedText RejectedPredictionTokens = JsonEncodedText.Encode("rejected_prediction_tokens"u8);
    public static readonly JsonEncodedText ToolCalls = JsonEncodedText.Encode("tool_calls"u8);
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type"u8);
    public static readonly JsonEncodedText Function = JsonEncodedText.Encode("function"u8);
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name"u8);
    public static readonly JsonEncodedText Arguments = JsonEncodedText.Encode("arguments"u8);
    public static readonly JsonEncodedText Token = JsonEncodedText.Encode("token"u8);
    public static readonly JsonEncodedText Logprob = JsonEncodedText.Encode("logprob"u8);
    public static readonly JsonEncodedText Bytes = JsonEncodedText.Encode("bytes"u8);
    public static readonly JsonEncodedText TopLogprobs = JsonEncodedText.Encode("top_logprobs"u8);
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text"u8);
    public static readonly JsonEncodedText Tokens = JsonEncodedText.Encode("tokens"u8);
    public static readonly JsonEncodedText TokenLogprobs = JsonEncodedText.Encode("token_logprobs"u8);
    public static readonly JsonEncodedText TextOffset = JsonEncodedText.Encode("text_offset"u8);
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data"u8);
    public static readonly JsonEncodedText Embedding = JsonEncodedText.Encode("embedding"u8);
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error"u8);
    public static readonly JsonEncodedText Param = JsonEncodedText.Encode("param"u8);
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code"u8);
    public static readonly JsonEncodedText OwnedBy = JsonEncodedText.Encode("owned_by"u8);

    public static readonly JsonEncodedText ChatCompletionValue = JsonEncodedText.Encode("chat.completion"u8);
    public static readonly JsonEncodedText ChatCompletionChunkValue = JsonEncodedText.Encode("chat.completion.chunk"u8);
    public static readonly JsonEncodedText TextCompletionValue = JsonEncodedText.Encode("text_completion"u8);
    public static readonly JsonEncodedText ListValue = JsonEncodedText.Encode("list"u8);
    public static readonly JsonEncodedText EmbeddingValue = JsonEncodedText.Encode("embedding"u8);
    public static readonly JsonEncodedText ModelValue = JsonEncodedText.Encode("model"u8);
    public static readonly JsonEncodedText AssistantValue = JsonEncodedText.Encode("assistant"u8);
    public static readonly JsonEncodedText FunctionValue = JsonEncodedText.Encode("function"u8);
    public static readonly JsonEncodedText StopValue = JsonEncodedText.Encode("stop"u8);
    public static readonly JsonEncodedText LengthValue = JsonEncodedText.Encode("length"u8);
    public static readonly JsonEncodedText ToolCallsValue = JsonEncodedText.Encode("tool_calls"u8);
    public static readonly JsonEncodedText ContentFilterValue = JsonEncodedText.Encode("content_filter"u8);
}
