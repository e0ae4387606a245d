using System.Globalization;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>numeric</c>: the answer's final number (its last number, thousands separators allowed: what "... so the answer is
/// 1,234." states, read as the agreement check reads it) is within <c>tolerance</c> of <c>expected</c>: an absolute
/// difference, or with <c>relative: true</c> a share of the expected value. Tolerance 0 asks for the same number.
/// </summary>
internal sealed class NumericScorer(double expected, double tolerance = 0, bool relative = false) : Scorer
{
    public override string Kind => "numeric";

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        var found = AnswerAgreement.FinalNumber(input.Answer);
        if (found is not { } value)
        {
            return ValueTask.FromResult(ScoreResult.Failed($"expected {Show(expected)}, but the answer has no number"));
        }

        var allowed = relative ? tolerance * Math.Abs(expected) : tolerance;
        // A tolerance of 0 still forgives the last bits of a decimal written two ways (0.1 + 0.2).
        var within = Math.Abs(value - expected) <= Math.Max(allowed, 1e-9 * Math.Max(1, Math.Abs(expected)));
        var range = tolerance > 0 ? $" ± {Show(allowed)}" : "";
        return ValueTask.FromResult(within
            ? ScoreResult.Passed($"{Show(value)} is {Show(expected)}{range}")
            : ScoreResult.Failed($"expected {Show(expected)}{range}, found {Show(value)}"));
    }

    private static string Show(double value) => value.ToString("G10", CultureInfo.InvariantCulture);
}
