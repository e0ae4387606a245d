using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Evaluation.Scoring;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// One case of a suite: a chat completion request (without its <c>model</c>, which each model under test fills in), the
/// use case it belongs to, and how its answer is scored.
/// </summary>
internal sealed class EvalCase
{
    /// <summary>The case's id, unique in the suite.</summary>
    public required string Id { get; init; }

    /// <summary>The use case it is reported under (<c>use_case</c>; <c>default</c> when not given).</summary>
    public required string UseCase { get; init; }

    /// <summary>The line the case starts on in its file.</summary>
    public required int Line { get; init; }

    /// <summary>
    /// The request's fields: <c>messages</c>, and <c>tools</c>, <c>tool_choice</c>, <c>response_format</c> and the
    /// <c>params</c> (temperature, max_tokens, seed, ...) when given. Never changed after the suite is read.
    /// </summary>
    public required JsonObject Request { get; init; }

    /// <summary>Whether the case is asked as a stream (<c>stream: true</c>): then its time to first token is measured.</summary>
    public bool Stream { get; init; }

    /// <summary>Tags sent in <c>x-switchyard-tags</c>, for routes whose tiers are chosen by tag.</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>Free-form strings kept with the case (<c>metadata</c>), not sent.</summary>
    public ImmutableDictionary<string, string> Metadata { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>How the answer is scored: every scorer must pass, the score is their mean.</summary>
    public required ImmutableArray<Scorer> Scorers { get; init; }

    /// <summary>
    /// The request for <paramref name="model"/> as JSON bytes: the case's fields with <c>model</c> first, and for a stream
    /// <c>stream: true</c> with <c>stream_options.include_usage</c>, so the gateway reports tokens.
    /// </summary>
    public byte[] Body(string model)
    {
        var body = new JsonObject { ["model"] = model };
        foreach (var (name, value) in Request)
        {
            body[name] = value?.DeepClone();
        }

        if (Stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}
