using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Demo;

/// <summary>
/// What one round of the demo cost on the chat route, from the request log and the escalation records the gateway wrote:
/// what the learned router changes between round 1 (rules and the quality gate) and round 2 (the router trained on round 1).
/// </summary>
/// <param name="Answered">Chat requests answered.</param>
/// <param name="SentAhead">Requests the learned router sent straight to the frontier.</param>
/// <param name="Escalated">Requests that escalated past a poor answer.</param>
/// <param name="PoorAnswerSeconds">Time spent producing the poor answers that were thrown away.</param>
/// <param name="PoorAnswerTokens">Tokens (in and out) of the poor answers that were thrown away.</param>
/// <param name="FrontierAnswered">Requests the frontier API answered.</param>
/// <param name="LatenciesMs">Every answered request's latency, sorted.</param>
/// <param name="FrontierLatenciesMs">The latency of every request the frontier answered, sorted.</param>
/// <param name="CostUsd">What the round cost at <see cref="DemoPrices"/>.</param>
/// <param name="AllFrontierCostUsd">What the same answers would have cost had the frontier API written them all.</param>
internal sealed record DemoRound(
    int Answered,
    int SentAhead,
    int Escalated,
    double PoorAnswerSeconds,
    long PoorAnswerTokens,
    int FrontierAnswered,
    double[] LatenciesMs,
    double[] FrontierLatenciesMs,
    double CostUsd,
    double AllFrontierCostUsd)
{
    /// <summary>The route whose tiers the demo compares.</summary>
    public const string Route = "chat";

    /// <summary>Measures one round: the chat route's entries and escalation records, deployments outside by name.</summary>
    public static DemoRound Measure(IReadOnlyList<RequestLogEntry> entries, IReadOnlyList<EscalationRecord> records, IReadOnlySet<string> external)
    {
        var answered = entries.Where(e => e.Route == Route && e.Status is >= 200 and < 300).ToArray();
        var escalations = records.Where(r => r.Route == Route).ToArray();
        var poorMs = answered.Sum(e => PoorAttemptsMs(e.AttemptsJson));
        var poorTokens = escalations.Sum(r => (long)(r.CheapInputTokens ?? 0) + (r.CheapOutputTokens ?? 0));
        var frontier = answered.Where(e => e.Deployment is { } d && external.Contains(d)).ToArray();
        var cost = answered.Sum(e => DemoPrices.Cost(e.Deployment, external, e.InputTokens, e.OutputTokens))
            + escalations.Sum(r => DemoPrices.Cost(r.CheapDeployment, external, r.CheapInputTokens, r.CheapOutputTokens));
        return new DemoRound(
            answered.Length,
            answered.Count(e => e.Rule == "router"),
            answered.Count(e => e.EscalatedFrom is not null),
            poorMs / 1000,
            poorTokens,
            frontier.Length,
            [.. answered.Select(e => e.LatencyMs).Order()],
            [.. frontier.Select(e => e.LatencyMs).Order()],
            cost,
            answered.Sum(e => DemoPrices.FrontierCost(e.InputTokens, e.OutputTokens)));
    }

    /// <summary>Round 1 against round 2, a row per figure.</summary>
    public static Table Compare(DemoRound first, DemoRound second)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]The loop closed[/]: route chat, round 1 against round 2 (from the request log)");
        table.AddColumn("");
        table.AddColumn(new TableColumn("round 1: rules and quality gate").RightAligned());
        table.AddColumn(new TableColumn("round 2: with the trained router").RightAligned());
        Row(table, "requests answered", first.Answered.ToString("N0", CultureInfo.InvariantCulture), second.Answered.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "sent straight to the frontier by the router", first.SentAhead.ToString("N0", CultureInfo.InvariantCulture), second.SentAhead.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "escalated past a poor answer", Share(first.Escalated, first.Answered), Share(second.Escalated, second.Answered));
        Row(table, "time spent on poor answers thrown away", Seconds(first.PoorAnswerSeconds), Seconds(second.PoorAnswerSeconds));
        Row(table, "tokens of poor answers thrown away", first.PoorAnswerTokens.ToString("N0", CultureInfo.InvariantCulture), second.PoorAnswerTokens.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "answered by the frontier API", Share(first.FrontierAnswered, first.Answered), Share(second.FrontierAnswered, second.Answered));
        Row(table, "latency p50 / p95 ms, all answers", Latency(first.LatenciesMs), Latency(second.LatenciesMs));
        Row(table, "latency p50 / p95 ms, frontier answers", Latency(first.FrontierLatenciesMs), Latency(second.FrontierLatenciesMs));
        Row(table, "cost at the demo's assumed prices", Dollars(first.CostUsd), Dollars(second.CostUsd));
        Row(table, "cost had the frontier answered everything", Dollars(first.AllFrontierCostUsd), Dollars(second.AllFrontierCostUsd));
        return table;
    }

    /// <summary>Milliseconds spent on the attempts whose answers the quality gate turned down (<c>below_threshold</c>).</summary>
    internal static double PoorAttemptsMs(string? attemptsJson)
    {
        if (attemptsJson is null)
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(attemptsJson);
            var total = 0.0;
            foreach (var attempt in document.RootElement.EnumerateArray())
            {
                if (attempt.TryGetProperty("outcome", out var outcome) && outcome.ValueEquals("below_threshold")
                    && attempt.TryGetProperty("ms", out var ms) && ms.TryGetDouble(out var value))
                {
                    total += value;
                }
            }

            return total;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static void Row(Table table, string name, string first, string second) => table.AddRow(Markup.Escape(name), first, second);

    private static string Share(int count, int total) => total == 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{count:N0} ({(double)count / total:P0})");

    private static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");

    private static string Dollars(double usd) => string.Create(CultureInfo.InvariantCulture, $"${usd:0.0000}");

    private static string Latency(double[] sorted) => sorted.Length == 0
        ? "-"
        : DemoSummary.Percentile(sorted, 0.50) + " / " + DemoSummary.Percentile(sorted, 0.95);
}

/// <summary>
/// The prices the demo assumes to show what the router saves: list prices of the frontier model, and a self-hosted cost
/// per token (a GPU's hourly price over the tokens it serves). Assumptions for the demo only, printed with its figures.
/// </summary>
internal static class DemoPrices
{
    /// <summary>US dollars per million input tokens of the frontier API (gpt-4o's list price).</summary>
    public const double ExternalInputPerMillion = 2.50;

    /// <summary>US dollars per million output tokens of the frontier API (gpt-4o's list price).</summary>
    public const double ExternalOutputPerMillion = 10.00;

    /// <summary>US dollars per million tokens, in or out, served by the self-hosted models.</summary>
    public const double SelfHostedPerMillion = 0.20;

    /// <summary>One line saying what was assumed.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Assumed prices: frontier API ${ExternalInputPerMillion:0.00} in / ${ExternalOutputPerMillion:0.00} out per million tokens; self-hosted ${SelfHostedPerMillion:0.00} per million tokens.");

    /// <summary>What the tokens cost on <paramref name="deployment"/>.</summary>
    public static double Cost(string? deployment, IReadOnlySet<string> external, int? input, int? output)
    {
        if (deployment is null)
        {
            return 0;
        }

        return external.Contains(deployment)
            ? FrontierCost(input, output)
            : ((input ?? 0) + (output ?? 0)) * SelfHostedPerMillion / 1e6;
    }

    /// <summary>What the tokens cost on the frontier API.</summary>
    public static double FrontierCost(int? input, int? output)
        => ((input ?? 0) * ExternalInputPerMillion + (output ?? 0) * ExternalOutputPerMillion) / 1e6;
}
