namespace Switchyard.Gateway.Configuration;

/// <summary>The checks of the quality gate, by their configuration names.</summary>
public enum QualityCheck
{
    /// <summary><c>empty</c>: the answer has no text (and no tool call).</summary>
    Empty,

    /// <summary><c>truncated</c>: the answer stopped at the token limit (<c>finish_reason: length</c>).</summary>
    Truncated,

    /// <summary><c>refusal</c>: the model declined (OpenAI's <c>refusal</c> field, or a known refusal phrase).</summary>
    Refusal,

    /// <summary><c>json</c>: <c>response_format: json_object</c> and the answer is not one JSON document.</summary>
    Json,

    /// <summary><c>schema</c>: <c>response_format: json_schema</c> and the answer does not match the schema.</summary>
    Schema,

    /// <summary><c>expectations</c>: the route's <c>expect</c> rules (pattern, contains, not_contains, length).</summary>
    Expectations,

    /// <summary><c>logprobs</c>: the geometric-mean token probability, and no token below the floor.</summary>
    Logprobs,

    /// <summary><c>judge</c>: a configured deployment scored the answer below <c>min_score</c> against the rubric.</summary>
    Judge,

    /// <summary><c>agreement</c>: a second sample of the same tier gave a different answer.</summary>
    Agreement,
}
