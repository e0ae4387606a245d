namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>exact</c>: the answer is the expected text. By default case is ignored and runs of whitespace count as one space,
/// leading and trailing whitespace dropped (<c>ignore_case: false</c>, <c>normalize_whitespace: false</c> to be strict).
/// </summary>
internal sealed class ExactScorer(string expected, bool ignoreCase = true, bool normalizeWhitespace = true) : Scorer
{
    public override string Kind => "exact";

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        var answer = normalizeWhitespace ? Normalize(input.Answer) : input.Answer;
        var wanted = normalizeWhitespace ? Normalize(expected) : expected;
        var same = string.Equals(answer, wanted, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        return ValueTask.FromResult(same
            ? ScoreResult.Passed($"is {Quote(expected)}")
            : ScoreResult.Failed($"expected {Quote(expected)}, got {Quote(input.Answer)}"));
    }

    /// <summary>Leading and trailing whitespace dropped, runs of whitespace inside as one space.</summary>
    internal static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
