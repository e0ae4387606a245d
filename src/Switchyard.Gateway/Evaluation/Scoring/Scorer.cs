namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// Scores one answer of a case: exact match, regex, JSON Schema, numeric tolerance, contains, a judge's rubric, or the
/// route's quality gate. Built when the suite is read (a bad pattern or schema is an error with its line, not a failed
/// case), then shared by every answer.
/// </summary>
internal abstract class Scorer
{
    /// <summary>The scorer's <c>type</c> in the suite file.</summary>
    public abstract string Kind { get; }

    /// <summary>Whether it asks the suite's judge (a model call through the gateway).</summary>
    public virtual bool AsksJudge => false;

    public abstract ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken);

    /// <summary>Every scorer of a case together: all must pass; the score is their mean, the details joined.</summary>
    public static async ValueTask<ScoreResult> ScoreAllAsync(IReadOnlyList<Scorer> scorers, ScoringInput input, CancellationToken cancellationToken)
    {
        if (scorers.Count == 1)
        {
            return await scorers[0].ScoreAsync(input, cancellationToken);
        }

        var sum = 0.0;
        var pass = true;
        decimal? cost = null;
        var details = new List<string>(scorers.Count);
        foreach (var scorer in scorers)
        {
            var result = await scorer.ScoreAsync(input, cancellationToken);
            sum += result.Score;
            pass &= result.Pass;
            cost = result.Cost is { } spent ? (cost ?? 0) + spent : cost;
            details.Add(scorer.Kind + ": " + result.Detail);
        }

        return new ScoreResult(sum / scorers.Count, pass, string.Join("; ", details)) { Cost = cost };
    }

    /// <summary>A text shortened for a detail (<c>'Lorem ipsum...'</c>), on one line.</summary>
    protected static string Quote(string text, int max = 60)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return "'" + (flat.Length <= max ? flat : string.Concat(flat.AsSpan(0, max - 3), "...")) + "'";
    }
}
