using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics;
using Switchyard.Gateway.Economics.Tco;
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
/// <param name="PoorAnswerCostUsd">What the poor answers thrown away cost (the request log's extra cost).</param>
/// <param name="FrontierAnswered">Requests the frontier API answered.</param>
/// <param name="LatenciesMs">Every answered request's latency, sorted.</param>
/// <param name="FrontierLatenciesMs">The latency of every request the frontier answered, sorted.</param>
/// <param name="CostUsd">What the round's requests cost at the configuration's prices (the request log's cost and extra cost, failed requests' included).</param>
/// <param name="AllFrontierCostUsd">What the same answers would have cost had the frontier API written them all.</param>
internal sealed record DemoRound(
    int Answered,
    int SentAhead,
    int Escalated,
    double PoorAnswerSeconds,
    long PoorAnswerTokens,
    double PoorAnswerCostUsd,
    int FrontierAnswered,
    double[] LatenciesMs,
    double[] FrontierLatenciesMs,
    double CostUsd,
    double AllFrontierCostUsd)
{
    /// <summary>The route whose tiers the demo compares.</summary>
    public const string Route = "chat";

    /// <summary>Measures one round from its request log entries: the chat route's, deployments outside by name.</summary>
    public static DemoRound Measure(IReadOnlyList<RequestLogEntry> entries, IReadOnlySet<string> external)
    {
        var answered = entries.Where(e => e.Route == Route && e.Status is >= 200 and < 300).ToArray();
        double poorMs = 0;
        long poorTokens = 0;
        foreach (var entry in answered)
        {
            var (ms, tokens) = PoorAttempts(entry.AttemptsJson);
            poorMs += ms;
            poorTokens += tokens;
        }

        var frontier = answered.Where(e => e.Deployment is { } d && external.Contains(d)).ToArray();
        // The gateway costed every request from its usage at the price book's prices: the answer and what else was spent
        // (turned-down answers, checks, calls that failed mid-way), failed requests included, as `costs --route chat` sums it.
        // What the router can save is the turned-down answers' part (the demo's routes have no judge or agreement check).
        var extra = answered.Sum(e => e.EscalatedCostUsd ?? e.ExtraCostUsd ?? 0);
        var cost = entries.Where(e => e.Route == Route).Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0));
        return new DemoRound(
            answered.Length,
            answered.Count(e => e.Rule == "router"),
            answered.Count(e => e.EscalatedFrom is not null),
            poorMs / 1000,
            poorTokens,
            extra,
            frontier.Length,
            [.. answered.Select(e => e.LatencyMs).Order()],
            [.. frontier.Select(e => e.LatencyMs).Order()],
            cost,
            answered.Sum(e => e.BaselineCostUsd ?? 0));
    }

    /// <summary>What round 1 spent on cheap answers it threw away: what a router could save.</summary>
    public static string DescribeDoomed(DemoRound first) => string.Create(CultureInfo.InvariantCulture,
        $"Round 1 spent {first.PoorAnswerSeconds:0.00} s, {first.PoorAnswerTokens:N0} tokens and ${first.PoorAnswerCostUsd:0.000000} on {first.Escalated} cheap answers the quality gate threw away (from the request log): what the router can save.");

    /// <summary>What the router saved in round 2 against round 1, from the request log; and what it spent instead.</summary>
    public static string DescribeSaved(DemoRound first, DemoRound second) => string.Create(CultureInfo.InvariantCulture,
        $"What the router saved, round 2 against round 1 (from the request log): {first.PoorAnswerSeconds - second.PoorAnswerSeconds:0.00} s of doomed cheap attempts ({first.PoorAnswerSeconds:0.00} s → {second.PoorAnswerSeconds:0.00} s), "
        + $"{first.PoorAnswerTokens - second.PoorAnswerTokens:N0} tokens ({first.PoorAnswerTokens:N0} → {second.PoorAnswerTokens:N0}) and ${first.PoorAnswerCostUsd - second.PoorAnswerCostUsd:0.000000} "
        + $"(${first.PoorAnswerCostUsd:0.000000} → ${second.PoorAnswerCostUsd:0.000000}) thrown away; {first.Escalated} escalations became {second.Escalated}.");

    /// <summary>
    /// The kinds of prompt the router sent straight to the frontier, most first (<c>5 medical, 1 math</c>), from the
    /// request log: the demo's request ids name each request's place in the workload.
    /// </summary>
    public static string DescribeSentAhead(IReadOnlyList<RequestLogEntry> entries)
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Route == Route && entry.Rule == "router" && DemoWorkload.TryParseRequestId(entry.RequestId, out _, out var index))
            {
                var kind = DemoWorkload.KindOf(index);
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }

        return string.Join(", ", kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}"));
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
        Row(table, "cost of poor answers thrown away", Dollars(first.PoorAnswerCostUsd, 6), Dollars(second.PoorAnswerCostUsd, 6));
        Row(table, "answered by the frontier API", Share(first.FrontierAnswered, first.Answered), Share(second.FrontierAnswered, second.Answered));
        Row(table, "latency p50 / p95 ms, all answers", Latency(first.LatenciesMs), Latency(second.LatenciesMs));
        Row(table, "latency p50 / p95 ms, frontier answers", Latency(first.FrontierLatenciesMs), Latency(second.FrontierLatenciesMs));
        Row(table, "cost, at the price book's prices", Dollars(first.CostUsd), Dollars(second.CostUsd));
        Row(table, "cost had the frontier answered everything", Dollars(first.AllFrontierCostUsd), Dollars(second.AllFrontierCostUsd));
        return table;
    }

    /// <summary>
    /// Milliseconds spent on the attempts whose answers the quality gate turned down (<c>below_threshold</c>), and their
    /// tokens, in and out.
    /// </summary>
    internal static (double Ms, long Tokens) PoorAttempts(string? attemptsJson)
    {
        if (attemptsJson is null)
        {
            return (0, 0);
        }

        try
        {
            using var document = JsonDocument.Parse(attemptsJson);
            var ms = 0.0;
            var tokens = 0L;
            foreach (var attempt in document.RootElement.EnumerateArray())
            {
                if (!attempt.TryGetProperty("outcome", out var outcome) || !outcome.ValueEquals("below_threshold"))
                {
                    continue;
                }

                ms += attempt.TryGetProperty("ms", out var time) && time.TryGetDouble(out var value) ? value : 0;
                foreach (var name in (string[])["input_tokens", "output_tokens"])
                {
                    tokens += attempt.TryGetProperty(name, out var count) && count.TryGetInt64(out var n) ? n : 0;
                }
            }

            return (ms, tokens);
        }
        catch (JsonException)
        {
            return (0, 0);
        }
    }

    private static void Row(Table table, string name, string first, string second) => table.AddRow(Markup.Escape(name), first, second);

    private static string Share(int count, int total) => total == 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{count:N0} ({(double)count / total:P0})");

    private static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");

    private static string Dollars(double usd, int places = 4) => "$" + usd.ToString("0." + new string('0', places), CultureInfo.InvariantCulture);

    private static string Latency(double[] sorted) => sorted.Length == 0
        ? "-"
        : DemoSummary.Percentile(sorted, 0.50) + " / " + DemoSummary.Percentile(sorted, 0.95);
}

/// <summary>The demo's closing lines on money: the prices, what was spent, the all-frontier counterfactual, and the break-even.</summary>
internal static class DemoMoney
{
    /// <summary>The price of each deployment the chat route used, and where it comes from.</summary>
    public static IEnumerable<string> Prices(GatewayConfig config)
    {
        var book = new PriceBook(config);
        foreach (var name in (string[])["llama-8b", "qwen-coder", "gpt-4o"])
        {
            if (book.Find(name) is { } price)
            {
                // A hardware price says its own figure ("... = $0.463 per million tokens"); a list price needs it spelled out.
                yield return price.Source.Contains("per million", StringComparison.Ordinal)
                    ? $"  {name}: {price.Source}"
                    : string.Create(CultureInfo.InvariantCulture, $"  {name}: ${price.Input:0.00} in / ${price.Output:0.00} out per million tokens ({price.Source})");
            }
        }
    }

    /// <summary>
    /// Spent, would-have-spent on the frontier and saved over every request of the demo, and the daily volume at which the
    /// open model's GPU costs no more than sending the same tokens to the frontier API (at the demo's own input share).
    /// </summary>
    public static IEnumerable<string> Describe(IReadOnlyList<RequestLogEntry> entries, GatewayConfig config, string costsCommand)
    {
        var answered = entries.Where(e => e.Status is >= 200 and < 300).ToArray();
        // Everything the requests spent, failed ones' included (a stream cut mid-way, a turned-down answer before a
        // failure): the same sum as `switchyard costs` over the same requests.
        var spent = entries.Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0));
        var baseline = entries.Sum(e => e.BaselineCostUsd ?? 0);
        var saved = baseline - spent;
        var failed = entries.Count - answered.Length;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Money: {answered.Length} answers{(failed > 0 ? $" (and {failed} failed requests)" : "")} cost ${spent:0.0000}; the answers from each route's last tier would have cost ${baseline:0.0000}: saved ${saved:0.0000} ({(baseline > 0 ? saved / baseline : 0):P0}). `{costsCommand}` breaks it down.");

        var input = answered.Sum(e => (long)(e.InputTokens ?? 0));
        var output = answered.Sum(e => (long)(e.OutputTokens ?? 0));
        var book = new PriceBook(config);
        var open = config.Deployments.FirstOrDefault(d => d.Name == "llama-8b")?.Pricing;
        if (book.Find("gpt-4o") is not { } frontier || open is not { GpuHour: { } gpuHour, TokensPerSecond: { } rate } || input + output == 0)
        {
            yield break;
        }

        var share = (decimal)input / (input + output);
        var inputs = new TcoInputs
        {
            Api = new ApiPricing((decimal)frontier.Input, (decimal)frontier.Output),
            SelfHosted = SelfHostedCost.Gpus((decimal)gpuHour, open.Gpus, 24, (decimal)rate, (decimal)open.Utilisation),
            InputShare = share,
        };
        if (TcoCalculator.BreakEvenTokensPerDay(inputs) is { } breakEven)
        {
            var perDay = (decimal)gpuHour * open.Gpus * 24;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Break-even for this traffic ({share:P0} input tokens): llama-8b's GPU costs ${perDay:0.00} a day whatever it serves, as much as gpt-4o charges for {TcoFormat.Count(breakEven)} tokens a day; above that, self-hosting is cheaper (switchyard tco --from-traffic projects a month).");
        }
    }
}
