using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

/// <summary>A request on a route with a quality gate: the gate, and what the client asked the answer to be.</summary>
internal sealed class GatedRequest(QualityGate gate, AnswerFormat format, bool clientLimit = false)
{
    /// <summary>The client set <c>max_tokens</c>: an answer cut there is not a poor answer.</summary>
    public bool ClientLimit { get; } = clientLimit;

    public QualityGate Gate { get; } = gate;

    /// <summary>
    /// The gate checks logprobs and may ask for them (<c>quality.logprobs.request</c>, with a weight above 0): see
    /// <c>RequestForwarder.AsksLogprobs</c> for which calls do.
    /// </summary>
    public bool RequestsLogprobs { get; } = gate.Config.Logprobs is { Request: true } && gate.Config.WeightOf(Configuration.QualityCheck.Logprobs) > 0;

    public AnswerFormat Format { get; } = format;

    /// <summary>Scores a whole JSON answer.</summary>
    public QualityVerdict Evaluate(ReadOnlySpan<byte> json)
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion(json, answer);
        return Gate.Evaluate(answer, Format, ClientLimit);
    }

    /// <summary>Scores an answer collected chunk by chunk from a stream.</summary>
    public QualityVerdict Evaluate(AnswerCollector answer) => Gate.Evaluate(answer, Format, ClientLimit);
}
