using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// Two runs side by side (<c>switchyard eval compare A B</c>): per model and use case, whether quality regressed
/// (Fisher's exact test on the pass counts, p &lt; 0.05, and the pass rate fell), and how latency and cost moved.
/// </summary>
internal sealed record EvalComparison
{
    /// <summary>The significance level below which a change of pass rate is called a regression or an improvement.</summary>
    public const double Alpha = 0.05;

    public required EvalReport A { get; init; }

    public required EvalReport B { get; init; }

    /// <summary>Whether both runs asked the same suite file (the same SHA-256).</summary>
    public bool SameSuite => A.Run.SuiteHash == B.Run.SuiteHash;

    public required IReadOnlyList<EvalComparisonRow> Rows { get; init; }

    public IEnumerable<EvalComparisonRow> Regressions => Rows.Where(r => r.Verdict == ComparisonVerdict.Regression);

    public static EvalComparison Build(EvalReport a, EvalReport b)
    {
        var keys = a.Rows.Select(r => (r.Model, r.UseCase)).Concat(b.Rows.Select(r => (r.Model, r.UseCase))).Distinct().ToList();
        var rows = new List<EvalComparisonRow>(keys.Count);
        foreach (var (model, useCase) in keys)
        {
            var before = a.Row(model, useCase);
            var after = b.Row(model, useCase);
            if (before is null || after is null)
            {
                rows.Add(new EvalComparisonRow { Model = model, UseCase = useCase, A = before, B = after, Verdict = before is null ? ComparisonVerdict.New : ComparisonVerdict.Gone });
                continue;
            }

            var p = FisherExactTest.TwoSided(before.Passed, before.Trials, after.Passed, after.Trials);
            var verdict = p >= Alpha || after.PassRate.Estimate == before.PassRate.Estimate ? ComparisonVerdict.Same
                : after.PassRate.Estimate < before.PassRate.Estimate ? ComparisonVerdict.Regression : ComparisonVerdict.Improvement;
            rows.Add(new EvalComparisonRow
            {
                Model = model,
                UseCase = useCase,
                A = before,
                B = after,
                Verdict = verdict,
                PValue = p,
                IntervalsOverlap = before.PassRate.Overlaps(after.PassRate),
            });
        }

        return new EvalComparison { A = a, B = b, Rows = rows };
    }
}
