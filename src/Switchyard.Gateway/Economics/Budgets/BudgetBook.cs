using System.Collections.Frozen;
using System.Globalization;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Economics.Budgets;

/// <summary>
/// Every budget's ledger, kept across configuration reloads: a budget whose name, route and window stay the same keeps
/// what it has spent (its limit, mode and warning share may change).
/// </summary>
internal sealed class BudgetBook
{
    /// <summary>Output tokens assumed for a request without <c>max_tokens</c>, in its worst-case estimate.</summary>
    public const int DefaultOutputTokens = 1024;

    private readonly Lock _lock = new();
    private FrozenDictionary<string, BudgetLedger[]> _byRoute = FrozenDictionary<string, BudgetLedger[]>.Empty;
    private BudgetLedger[] _global = [];
    private Dictionary<string, BudgetLedger> _byName = new(StringComparer.Ordinal);
    private bool _anyTeam;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BudgetLedger> _byKey = new(StringComparer.Ordinal);

    /// <summary>What a budget's window already spent before this process, from the request log (set by the host).</summary>
    public Func<BudgetConfig, DateTimeOffset, double>? Seeder { get; set; }

    /// <summary>
    /// The ledger of a key's own budget (<c>keys create --budget</c>), made on the key's first request and started from
    /// what the request log says it spent in the window.
    /// </summary>
    public BudgetLedger ForKey(string keyId, double limit, BudgetPeriod period, DateTimeOffset now) => _byKey.GetOrAdd(keyId, id =>
    {
        var ledger = new BudgetLedger(new BudgetConfig { Name = "key " + id, Key = id, Limit = limit, Period = period }, now);
        if (Seeder is { } seed)
        {
            ledger.Seed(seed(ledger.Config, ledger.WindowStart));
        }

        return ledger;
    });

    /// <summary>Every ledger, in configuration order.</summary>
    public IReadOnlyList<BudgetLedger> All { get; private set; } = [];

    /// <summary>Every ledger: the configured ones in order, then the keys' own (made on each key's first request), by key.</summary>
    public IEnumerable<BudgetLedger> AllWithKeys => All.Concat(_byKey.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value));

    /// <summary>Takes in the budgets of <paramref name="config"/>.</summary>
    public void Configure(GatewayConfig config, DateTimeOffset now)
    {
        lock (_lock)
        {
            var next = new Dictionary<string, BudgetLedger>(StringComparer.Ordinal);
            var all = new List<BudgetLedger>();
            foreach (var budget in config.Budgets)
            {
                var ledger = _byName.TryGetValue(budget.Name, out var old) && old.Config.Route == budget.Route && old.Config.Team == budget.Team && old.Config.Key == budget.Key && old.Config.Period == budget.Period
                    ? old
                    : new BudgetLedger(budget, now);
                ledger.Config = budget;
                next[budget.Name] = ledger;
                all.Add(ledger);
            }

            _byName = next;
            All = all;
            _anyTeam = all.Exists(l => l.Config.Team is not null || l.Config.Key is not null);
            _global = [.. all.Where(l => l.Config.Route is null)];
            _byRoute = config.Routes.ToFrozenDictionary(
                r => r.Name,
                r => (BudgetLedger[])[.. _global, .. all.Where(l => l.Config.Route == r.Name)],
                StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The ledgers a request on <paramref name="route"/> from <paramref name="team"/> is charged to: the gateway's, the
    /// route's, the team's (and a team's on that route).
    /// </summary>
    public BudgetLedger[] For(string route, string? team = null, string? key = null)
    {
        var ledgers = _byRoute.TryGetValue(route, out var found) ? found : _global;
        if (!_anyTeam)
        {
            return ledgers;
        }

        // Team budgets apply to their team's keys only: the (rare) filtered copy is the price of a budget per team.
        return Array.FindAll(ledgers, l => (l.Config.Team is null || l.Config.Team == team) && (l.Config.Key is null || l.Config.Key == key));
    }

    /// <summary>
    /// The most a request can cost on <paramref name="route"/>, in dollars: its prompt and answer (<c>max_tokens</c>, or
    /// <see cref="DefaultOutputTokens"/> without it) at the dearest deployment of each tier it may reach: one tier unless
    /// the quality gate may escalate, then every tier, and before each tier but the last the checks that call a model
    /// (the judge's call at the judge's price, with the prompt, the answer and its instructions in and its
    /// <c>max_tokens</c> out; the agreement check's second sample at the tier's dearest); on a route with
    /// <c>hedge_after</c>, one more answer at the route's dearest deployment (the hedge's leg). Decision 11 says what it
    /// leaves out.
    /// </summary>
    public static double WorstCase(Route route, RouteTable table, int promptTokens, int? maxTokens, bool embeddings)
    {
        var output = embeddings ? 0 : maxTokens ?? DefaultOutputTokens;
        var gate = route.Quality?.Config;
        var judgePrice = gate?.Judge is { } judge ? table.Find(judge.Deployment)?.WorstCasePrice : null;
        var total = 0.0;
        var worst = 0.0;
        for (var t = 0; t < route.Tiers.Length; t++)
        {
            var dearest = Dearest(route.Tiers[t], promptTokens, output);
            total += dearest;
            worst = Math.Max(worst, dearest);
            if (gate is not null && t < route.Tiers.Length - 1)
            {
                // The checks that call a model run on an answer of a tier that could still escalate: every tier but the last.
                if (judgePrice is not null)
                {
                    total += judgePrice.Cost(Quality.JudgePrompt.OverheadTokens(gate.Judge!) + promptTokens + output, gate.Judge!.MaxTokens);
                }

                if (gate.Agreement is not null)
                {
                    total += dearest;
                }
            }
        }

        var answer = route.Quality is null ? worst : total;
        return route.Config.HedgeAfter is null ? answer : answer + worst;

        static double Dearest(Tier tier, int prompt, int output)
        {
            var dearest = 0.0;
            foreach (var member in tier.Members)
            {
                if (member.WorstCasePrice is { } price)
                {
                    dearest = Math.Max(dearest, price.Cost(prompt, output));
                }
            }

            return dearest;
        }
    }

    /// <summary>The <c>x-switchyard-budget-warning</c> text for a ledger past its warning share.</summary>
    public static string Warning(BudgetLedger ledger) => string.Create(CultureInfo.InvariantCulture,
        $"{ledger.Config.Name}: {Math.Min(ledger.Used, 9.99):P0} of ${ledger.Config.Limit:0.00} a {Word(ledger.Config.Period)} used; resets {ledger.ResetsAt:yyyy-MM-ddTHH:mm:ssZ}");

    /// <summary>The refusal's message: which budget, how much, and when it resets.</summary>
    public static string Refusal(BudgetLedger ledger, double estimate) => string.Create(CultureInfo.InvariantCulture,
        $"Budget '{ledger.Config.Name}' ({Scope(ledger.Config)}, ${ledger.Config.Limit:0.00} a {Word(ledger.Config.Period)}) cannot cover this request: ${ledger.Spent:0.0000} spent, and this request could cost up to ${estimate:0.0000}. It resets at {ledger.ResetsAt:yyyy-MM-ddTHH:mm:ssZ}; lower max_tokens, or {(ledger.Config.Name.StartsWith("key ", StringComparison.Ordinal) ? "ask for a key with a larger --budget" : $"raise budgets.{ledger.Config.Name}.limit")}.");

    private static string Scope(BudgetConfig budget) => budget.Key is { } key
        ? $"key {key}" + (budget.Route is { } keyRoute ? $" on route '{keyRoute}'" : "")
        : (budget.Route, budget.Team) switch
    {
        (null, null) => "the whole gateway",
        ({ } route, null) => $"route '{route}'",
        (null, { } team) => $"team '{team}'",
        ({ } route, { } team) => $"team '{team}' on route '{route}'",
    };

    private static string Word(BudgetPeriod period) => period == BudgetPeriod.Day ? "day" : "month";
}
