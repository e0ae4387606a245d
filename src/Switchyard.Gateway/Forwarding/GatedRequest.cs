using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

/// <summary>A request on a route with a quality gate: the gate, and what the client asked the answer to be.</summary>
internal sealed class GatedRequest(QualityGate gate, AnswerFormat format, int? clientMaxTokens = null)
{
    /// <summary>The client's <c>max_tokens</c> (or <c>max_completion_tokens</c>): an answer cut there is not a poor answer.</summary>
    public int? ClientMaxTokens { get; } = clientMaxTokens;

    public QualityGate Gate { get; } = gate;

    /// <summary>
    /// The gate checks logprobs and may ask for them (<c>quality.logprobs.request</c>, with a weight above 0): see
    /// <c>RequestForwarder.AsksLogprobs</c> for which calls do.
    /// </summary>
    public bool RequestsLogprobs { get; } = gate.Config.Logprobs is { Request: true } && gate.Config.WeightOf(Configuration.QualityCheck.Logprobs) > 0;

    public AnswerFormat Format { get; } = format;

    /// <summary>Scores a whole JSON answer, whose usage the upstream reported as <paramref name="usage"/>.</summary>
    public QualityVerdict Evaluate(ReadOnlySpan<byte> json, Usage? usage)
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion(json, answer);
        return Gate.Evaluate(answer, Format, AtClientLimit(usage));
    }

    /// <summary>Scores an answer collected chunk by chunk from a stream.</summary>
    public QualityVerdict Evaluate(AnswerCollector answer, Usage? usage) => Gate.Evaluate(answer, Format, AtClientLimit(usage));

    /// <summary>
    /// Whether a cut answer stopped at the client's own limit: it set one, and the answer used all of it (or the upstream
    /// did not say how many tokens it wrote). An answer cut short of it hit the server's limit: the truncated check applies.
    /// </summary>
    private bool AtClientLimit(Usage? usage)
        => ClientMaxTokens is { } max && (usage is not { } used || used.CompletionTokens >= max);
}
