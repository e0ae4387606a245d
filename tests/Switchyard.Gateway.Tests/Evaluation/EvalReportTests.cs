using System.Text.Json;
using Switchyard.Gateway.Evaluation.Reporting;
using Switchyard.Storage.Evaluation;

namespace Switchyard.Gateway.Tests.Evaluation;

/// <summary>The report's sums, the cheapest pick, the comparison's verdicts, and the writers, on results made by hand.</summary>
public sealed class EvalReportTests
{
    [Fact]
    public void Build_SumsEachModelAndUseCase_ErrorsCountAsFailures()
    {
        List<EvalResultRecord> results =
        [
            Result("a", "m", "x", pass: true, latency: 100, cost: 0.001m),
            Result("b", "m", "x", pass: true, latency: 200, cost: 0.003m),
            Result("c", "m", "x", pass: false, latency: 300, cost: 0.002m),
            Result("d", "m", "x", error: "502: every deployment failed"),
            Result("a", "m", "y", pass: true, latency: 50, cost: 0.001m, ttft: 20),
        ];

        var report = EvalReportBuilder.Build(Run(["m"], cases: 4), results);

        var x = report.Row("m", "x")!;
        Assert.Equal(4, x.Trials);
        Assert.Equal(3, x.Answered);
        Assert.Equal(1, x.Errors);
        Assert.Equal(2, x.Passed);
        Assert.Equal(0.5, x.PassRate.Estimate);
        Assert.Equal(200, x.LatencyP50);
        Assert.Equal(290, x.LatencyP95!.Value, 6);
        Assert.Null(x.TtftP50);
        // Four trials costed: (0.001 + 0.003 + 0.002 + 0) / 4 × 1000; the error cost nothing here.
        Assert.Equal(1.5m, x.CostPer1000);
        Assert.Equal(0.5, x.MeanScore.Estimate);
        var all = report.Row("m", EvalReport.AllUseCases)!;
        Assert.Equal(5, all.Trials);
        Assert.Equal(3, all.Passed);
        Assert.Equal(20, all.TtftP50);
        Assert.Equal(5, report.Recorded);
        Assert.Equal(4, report.Expected);
    }

    [Fact]
    public void Build_Cheapest_IsTheCheapestWhoseLowerBoundReachesTheQuality()
    {
        // 20 of 20 has a Wilson lower bound of 0.839; 19 of 20, 0.764.
        var results = Many("dear", 20, 20, 0.010m).Concat(Many("cheap", 20, 20, 0.001m)).Concat(Many("cheapest", 19, 20, 0.0001m)).ToList();

        var report = EvalReportBuilder.Build(Run(["dear", "cheap", "cheapest"], cases: 20), results, minQuality: 0.8);

        var pick = report.Cheapest.Single(p => p.UseCase == EvalReport.AllUseCases);
        Assert.Equal("cheap", pick.Model);
        Assert.Equal(1m, pick.CostPer1000);
        Assert.Equal(0.8389, pick.LowerBound, 4);
        Assert.Contains("also qualifying: dear", pick.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoneQualifies_SaysWhoComesClosestAndWhoReachesItOnlyByThePointEstimate()
    {
        var results = Many("small", 9, 10, 0.001m).ToList();

        var report = EvalReportBuilder.Build(Run(["small"], cases: 10), results, minQuality: 0.8);

        var pick = report.Cheapest.Single(p => p.UseCase == EvalReport.AllUseCases);
        Assert.Null(pick.Model);
        Assert.Contains("none qualifies: the best lower bound is 0.596 (small)", pick.Note, StringComparison.Ordinal);
        Assert.Contains("small reaches it by the point estimate only", pick.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ASignificantDrop_IsARegression_ASmallOneIsNot()
    {
        var before = EvalReportBuilder.Build(Run(["m", "n"], cases: 20), [.. Many("m", 20, 20, 0.001m), .. Many("n", 9, 10, 0.001m, latency: 100)]);
        var after = EvalReportBuilder.Build(Run(["m", "n"], cases: 20), [.. Many("m", 12, 20, 0.001m), .. Many("n", 5, 10, 0.002m, latency: 150)]);

        var comparison = EvalComparison.Build(before, after);

        var m = comparison.Rows.Single(r => r.Model == "m" && r.UseCase == "u");
        Assert.Equal(ComparisonVerdict.Regression, m.Verdict);
        Assert.Equal(0.003276, m.PValue, 6);
        Assert.False(m.IntervalsOverlap);
        var n = comparison.Rows.Single(r => r.Model == "n" && r.UseCase == "u");
        Assert.Equal(ComparisonVerdict.Same, n.Verdict);
        Assert.Equal(0.140867, n.PValue, 6);
        Assert.Equal(["p50 latency +50%", "cost +100%"], n.Changes());
        Assert.True(comparison.SameSuite);
        Assert.Equal(2, comparison.Regressions.Count());
    }

    [Fact]
    public void Writers_HtmlIsSelfContained_JsonReadsBack_MarkdownHasTheTables()
    {
        var report = EvalReportBuilder.Build(Run(["m", "n"], cases: 10) with { Status = "cancelled" }, [.. Many("m", 9, 10, 0.001m, ttft: 40), .. Many("n", 4, 5, 0.0001m)]);

        var html = HtmlReportWriter.Write(report);
        var json = JsonReportWriter.Write(report);
        var markdown = MarkdownReportWriter.Write(report);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.Contains("This run is partial (cancelled): 15 of 20 trials", html, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.True(document.RootElement.GetProperty("partial").GetBoolean());
        var rows = document.RootElement.GetProperty("rows");
        Assert.Equal(0.9, rows[0].GetProperty("pass_rate").GetProperty("estimate").GetDouble());
        Assert.Equal(1m, rows[0].GetProperty("cost_per_1000_usd").GetDecimal());
        Assert.Contains("| m | 10 | 90.0% [59.6–98.2] |", markdown, StringComparison.Ordinal);
        Assert.Contains("PARTIAL (cancelled): 15 of 20 trials", markdown, StringComparison.Ordinal);
    }

    private static IEnumerable<EvalResultRecord> Many(string model, int passed, int trials, decimal cost, double latency = 100, double? ttft = null)
        => Enumerable.Range(0, trials).Select(i => Result("c" + i, model, "u", pass: i < passed, latency: latency, cost: cost, ttft: ttft));

    private static EvalResultRecord Result(string id, string model, string useCase, bool pass = false, double latency = 0, decimal? cost = null, double? ttft = null, string? error = null) => new()
    {
        RunId = "run_x",
        CaseId = id,
        UseCase = useCase,
        Model = model,
        Timestamp = DateTimeOffset.UnixEpoch,
        Pass = error is null ? pass : false,
        Score = error is null && pass ? 1 : 0,
        LatencyMs = error is null ? latency : null,
        TimeToFirstTokenMs = ttft,
        CostUsd = cost ?? (error is null ? null : 0m),
        Error = error,
        InputTokens = error is null ? 10 : null,
        OutputTokens = error is null ? 20 : null,
    };

    private static EvalRunRecord Run(IReadOnlyList<string> models, int cases) => new()
    {
        RunId = "run_x",
        Started = DateTimeOffset.UnixEpoch,
        Status = "complete",
        SuiteName = "s",
        SuiteHash = new string('a', 64),
        Cases = cases,
        Models = models,
        Repeats = 1,
    };
}
