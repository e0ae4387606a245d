using System.Globalization;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>quality_gate</c>: the score the route's quality gate gave the answer (the gateway's
/// <c>x-switchyard-quality-score</c>, with its failed checks), or, on a route without a gate, the gate's default checks
/// (empty, truncated, refusal, JSON and schema validity against the case's <c>response_format</c>) run here on the
/// answer. The case passes at <c>min_score</c> (0.8 by default, the gate's default threshold) or above.
/// </summary>
internal sealed class QualityGateScorer(double minScore) : Scorer
{
    /// <summary>The default gate: the cheap checks at their default weights, nothing the route configures.</summary>
    private static readonly QualityGate DefaultGate = new(new QualityConfig());

    public override string Kind => "quality_gate";

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        double score;
        string? failed;
        string source;
        if (input.GatewayQualityScore is { } gateway)
        {
            score = gateway;
            failed = input.GatewayQualityFailed;
            source = "the route's gate";
        }
        else
        {
            using var answer = new AnswerCollector();
            answer.Append(input.HasToolCalls && string.IsNullOrWhiteSpace(input.Answer) ? "" : input.Answer);
            answer.FinishReason = input.FinishReason;
            answer.HasToolCalls = input.HasToolCalls;
            answer.Refused = input.Refused;
            var format = AnswerFormat.Read(input.Case.Body("-"));
            var verdict = DefaultGate.Evaluate(answer, format, AtClientLimit(input));
            score = verdict.Score;
            failed = verdict.FailedNames;
            source = "the default checks";
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"{score:0.##} by {source} (min {minScore:0.##})") + (failed is null ? "" : "; failed " + failed);
        return ValueTask.FromResult(new ScoreResult(score, score >= minScore, detail));
    }

    /// <summary>
    /// Whether a cut answer stopped at the case's own <c>max_tokens</c> (it used all of them, or the count is unknown): what
    /// the case asked for, so the truncated check does not apply, as on the gateway (<c>GatedRequest</c>).
    /// </summary>
    private static bool AtClientLimit(ScoringInput input)
    {
        var request = input.Case.Request;
        var limit = request["max_tokens"] ?? request["max_completion_tokens"];
        if (limit is null || !int.TryParse(limit.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var max))
        {
            return false;
        }

        return input.OutputTokens is not { } used || used >= max;
    }
}
