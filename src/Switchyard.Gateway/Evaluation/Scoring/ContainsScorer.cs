namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>contains</c>: the answer holds every one of <c>values</c> (with <c>any: true</c>, at least one of them);
/// <c>not_contains</c>: it holds none of them. Case is ignored unless <c>ignore_case: false</c>.
/// </summary>
internal sealed class ContainsScorer(IReadOnlyList<string> values, bool any, bool ignoreCase, bool negate) : Scorer
{
    public override string Kind => negate ? "not_contains" : "contains";

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var found = values.Where(v => input.Answer.Contains(v, comparison)).ToList();
        var missing = values.Where(v => !input.Answer.Contains(v, comparison)).ToList();
        ScoreResult result;
        if (negate)
        {
            result = found.Count == 0
                ? ScoreResult.Passed($"none of {List(values)}")
                : ScoreResult.Failed($"holds {List(found)}");
        }
        else if (any)
        {
            result = found.Count > 0
                ? ScoreResult.Passed($"holds {List(found)}")
                : ScoreResult.Failed($"holds none of {List(values)}");
        }
        else
        {
            result = missing.Count == 0
                ? ScoreResult.Passed($"holds {List(values)}")
                : ScoreResult.Failed($"lacks {List(missing)}");
        }

        return ValueTask.FromResult(result);
    }

    private static string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => Quote(v, 30)));
}
