using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A route's quality gate (<c>routes.NAME.quality:</c>): every answer is scored in [0, 1] by cheap checks, combined by
/// weight; below <see cref="Threshold"/> the request escalates to the next tier and the client gets the better answer.
/// </summary>
public sealed record QualityConfig
{
    /// <summary>
    /// Answers scoring below this escalate (<c>threshold</c>). 0.8 with the default weights: a refusal, a truncated
    /// answer or unmet expectations escalate; a low-confidence answer alone (logprobs, weight 1 of 9) does not.
    /// </summary>
    public double Threshold { get; init; } = 0.8;

    /// <summary>How streamed answers are gated (<c>streaming</c>).</summary>
    public QualityStreaming Streaming { get; init; } = QualityStreaming.PassThrough;

    /// <summary>
    /// Weight of each check (<c>weights</c>); 0 turns a check off. A failed <c>empty</c>, <c>json</c> or <c>schema</c> check
    /// makes the score 0 whatever the weights: such an answer is unusable.
    /// </summary>
    public ImmutableDictionary<QualityCheck, double> Weights { get; init; } = DefaultWeights;

    /// <summary>What the route expects of every answer (<c>expect</c>); <see langword="null"/>: nothing.</summary>
    public QualityExpectations? Expect { get; init; }

    /// <summary>The log-probability confidence check (<c>logprobs</c>); <see langword="null"/>: off.</summary>
    public LogprobCheckConfig? Logprobs { get; init; }

    /// <summary>The judge check (<c>judge</c>); <see langword="null"/>: off.</summary>
    public JudgeConfig? Judge { get; init; }

    /// <summary>The agreement check (<c>agreement</c>); <see langword="null"/>: off.</summary>
    public AgreementConfig? Agreement { get; init; }

    /// <summary>
    /// Store every escalation with its prompt and both answers (<c>record_escalations</c>), for review and fine-tuning
    /// datasets. On by default; a route whose text must not be kept turns it off.
    /// </summary>
    public bool RecordEscalations { get; init; } = true;

    /// <summary>
    /// Share of requests whose first tier answered well enough that are kept as outcome samples, prompt and score
    /// (<c>sample_passed</c>): with the escalations, what <c>switchyard router train</c> learns from. 0.05 by default;
    /// only while <see cref="RecordEscalations"/> is on.
    /// </summary>
    public double SamplePassed { get; init; } = 0.05;

    /// <summary>The weights when none are configured.</summary>
    public static ImmutableDictionary<QualityCheck, double> DefaultWeights { get; } = ImmutableDictionary.CreateRange(
    [
        KeyValuePair.Create(QualityCheck.Empty, 1.0),
        KeyValuePair.Create(QualityCheck.Truncated, 2.0),
        KeyValuePair.Create(QualityCheck.Refusal, 3.0),
        KeyValuePair.Create(QualityCheck.Json, 1.0),
        KeyValuePair.Create(QualityCheck.Schema, 1.0),
        KeyValuePair.Create(QualityCheck.Expectations, 2.0),
        KeyValuePair.Create(QualityCheck.Logprobs, 1.0),
        KeyValuePair.Create(QualityCheck.Judge, 3.0),
        KeyValuePair.Create(QualityCheck.Agreement, 2.0),
    ]);

    /// <summary>The weight of <paramref name="check"/> (0 when off).</summary>
    public double WeightOf(QualityCheck check) => Weights.TryGetValue(check, out var weight) ? weight : 0;
}
