using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>The report and the comparison as JSON, for dashboards and CI checks (snake_case, numbers as numbers).</summary>
internal static class JsonReportWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    public static string Write(EvalReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteRun(json, report);
            json.WriteNumber("min_quality", report.MinQuality);
            json.WriteStartArray("rows");
            foreach (var row in report.Rows)
            {
                WriteRow(json, row);
            }

            json.WriteEndArray();
            json.WriteStartArray("cheapest");
            foreach (var pick in report.Cheapest)
            {
                json.WriteStartObject();
                json.WriteString("use_case", pick.UseCase);
                WriteOrNull(json, "model", pick.Model);
                WriteOrNull(json, "cost_per_1000_usd", pick.CostPer1000);
                json.WriteNumber("pass_rate_lower_bound", Math.Round(pick.LowerBound, 4));
                json.WriteString("note", pick.Note);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("judge_cost_usd", report.JudgeCost);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Write(EvalComparison comparison)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("run_a", comparison.A.Run.RunId);
            json.WriteString("run_b", comparison.B.Run.RunId);
            json.WriteBoolean("same_suite", comparison.SameSuite);
            json.WriteNumber("alpha", EvalComparison.Alpha);
            json.WriteNumber("regressions", comparison.Regressions.Count());
            json.WriteStartArray("rows");
            foreach (var row in comparison.Rows)
            {
                json.WriteStartObject();
                json.WriteString("model", row.Model);
                json.WriteString("use_case", row.UseCase);
                json.WriteString("verdict", row.Verdict.ToString().ToLowerInvariant());
                json.WriteNumber("p_value", Math.Round(row.PValue, 6));
                json.WriteBoolean("intervals_overlap", row.IntervalsOverlap);
                WriteOrNull(json, "pass_rate_change", row.PassRateChange is { } change ? Math.Round(change, 4) : null);
                WriteOrNull(json, "latency_p50_ratio", row.LatencyRatio is { } l ? Math.Round(l, 4) : null);
                WriteOrNull(json, "ttft_p50_ratio", row.TtftRatio is { } t ? Math.Round(t, 4) : null);
                WriteOrNull(json, "cost_ratio", row.CostRatio is { } c ? Math.Round(c, 4) : null);
                if (row.A is { } a)
                {
                    json.WritePropertyName("a");
                    WriteRow(json, a);
                }

                if (row.B is { } b)
                {
                    json.WritePropertyName("b");
                    WriteRow(json, b);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRun(Utf8JsonWriter json, EvalReport report)
    {
        var run = report.Run;
        json.WriteString("run_id", run.RunId);
        json.WriteString("status", run.Status);
        json.WriteBoolean("partial", run.Partial);
        json.WriteString("suite", run.SuiteName);
        json.WriteString("suite_sha256", run.SuiteHash);
        json.WriteNumber("cases", run.Cases);
        json.WriteNumber("repeats", run.Repeats);
        json.WriteStartArray("models");
        foreach (var model in run.Models)
        {
            json.WriteStringValue(model);
        }

        json.WriteEndArray();
        json.WriteString("started", run.Started);
        WriteOrNull(json, "target", run.Target);
        json.WriteNumber("trials_recorded", report.Recorded);
        json.WriteNumber("trials_expected", report.Expected);
    }

    private static void WriteRow(Utf8JsonWriter json, EvalReportRow row)
    {
        json.WriteStartObject();
        json.WriteString("model", row.Model);
        json.WriteString("use_case", row.UseCase);
        json.WriteNumber("trials", row.Trials);
        json.WriteNumber("answered", row.Answered);
        json.WriteNumber("errors", row.Errors);
        json.WriteNumber("passed", row.Passed);
        WriteInterval(json, "pass_rate", row.PassRate);
        WriteInterval(json, "mean_score", row.MeanScore);
        WriteOrNull(json, "latency_p50_ms", Round(row.LatencyP50));
        WriteOrNull(json, "latency_p95_ms", Round(row.LatencyP95));
        WriteOrNull(json, "ttft_p50_ms", Round(row.TtftP50));
        WriteOrNull(json, "ttft_p95_ms", Round(row.TtftP95));
        WriteOrNull(json, "input_tokens_mean", Round(row.InputTokens));
        WriteOrNull(json, "output_tokens_mean", Round(row.OutputTokens));
        WriteOrNull(json, "cost_per_1000_usd", row.CostPer1000 is { } cost ? Math.Round(cost, 8) : null);
        json.WriteBoolean("cost_estimated", row.CostEstimated);
        json.WriteNumber("judge_cost_usd", row.JudgeCost);
        json.WriteEndObject();
    }

    private static void WriteInterval(Utf8JsonWriter json, string name, Interval interval)
    {
        json.WriteStartObject(name);
        json.WriteNumber("estimate", Math.Round(interval.Estimate, 4));
        json.WriteNumber("low", Math.Round(interval.Low, 4));
        json.WriteNumber("high", Math.Round(interval.High, 4));
        json.WriteEndObject();
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    private static void WriteOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
