using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary>
/// Budgets: read from the configuration, reserved before the call, settled after, exact under concurrency. Counted in this
/// process here, and in Redis by <see cref="BudgetOnRedisTests"/> (the same tests).
/// </summary>
public class BudgetTests
{
    // Dear tokens ($1,000 per million, in or out) so a handful of requests spend a budget of a few dollars.
    private const string Deployments = """
        deployments:
          llama: { provider: internal, model: strong, pricing: { input: 1000, output: 1000 } }
          gpt: { provider: external, model: strong, hosting: external, pricing: { input: 1000, output: 1000 } }

        """;

    private static readonly SimulatorOptions Models = new()
    {
        Models =
        [
            new SimulatedModel
            {
                Name = "strong",
                TimeToFirstToken = TimeSpan.Zero,
                TokensPerSecond = double.PositiveInfinity,
                Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, 1.0))),
                ContextWindow = 128_000,
            },
        ],
    };

    /// <summary>The <c>limits:</c> section of the gateways under test (none: counted in this process).</summary>
    protected virtual string LimitsYaml => "";

    [Fact]
    public void Config_Budgets_AreRead_AndMistakesReportedWithTheirLine()
    {
        var good = Parse("""
            budgets:
              chat-daily: { route: chat, limit: 50, per: day, mode: hard, warn_at: 0.9 }
              gateway-monthly: { limit: 1000, per: month, mode: soft }
            """);
        Assert.True(good.Succeeded, string.Join("\n", good.Errors));
        var budgets = good.Config!.Budgets;
        Assert.Equal(new BudgetConfig { Name = "chat-daily", Route = "chat", Limit = 50, Period = BudgetPeriod.Day, Mode = BudgetMode.Hard, WarnAt = 0.9 }, budgets[0]);
        Assert.Equal(new BudgetConfig { Name = "gateway-monthly", Limit = 1000, Period = BudgetPeriod.Month, Mode = BudgetMode.Soft }, budgets[1]);

        var bad = string.Join("\n", Parse("""
            budgets:
              a: { route: chta, limit: 5 }
              b: { per: week, limit: 5 }
              c: { route: chat }
            """).Errors);
        Assert.Contains("switchyard.yaml:9:", bad, StringComparison.Ordinal);
        Assert.Contains("there is no route 'chta'", bad, StringComparison.Ordinal);
        Assert.Contains("budgets.b.per", bad, StringComparison.Ordinal);
        Assert.Contains("budgets.c.limit: is required", bad, StringComparison.Ordinal);
    }

    [Fact]
    public void Ledger_ReservesSettlesWaitsAndResetsWithItsWindow()
    {
        var now = new DateTimeOffset(2026, 12, 2, 23, 0, 0, TimeSpan.Zero);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1.0, WarnAt = 0.5 }, now);

        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.6, now, out _));
        // Only the one in flight stands in the way: wait for it.
        Assert.Equal(Admission.Wait, ledger.TryReserve(0.6, now, out var settled));
        Assert.False(settled.IsCompleted);
        Assert.Equal(BudgetCrossing.None, ledger.Settle(0.6, 0.3, now)); // 30%: below the 50% warning share
        Assert.True(settled.IsCompleted);
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.6, now, out _));
        Assert.Equal(BudgetCrossing.Warning, ledger.Settle(0.6, 0.6, now)); // 90%: crossed it
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.05, now, out _));
        Assert.Equal(BudgetCrossing.None, ledger.Settle(0.05, 0, now)); // warned once a window

        Assert.Equal(0.9, ledger.Spent, 9);
        Assert.Equal(Admission.Refused, ledger.TryReserve(0.2, now, out _));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), ledger.ResetsAt);

        // Midnight UTC: a new day, nothing spent.
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.2, now.AddHours(1), out _));
        Assert.Equal(0, ledger.Spent);
    }

    [Theory]
    [InlineData(BudgetPeriod.Day, "2026-12-31T18:00:00Z", "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData(BudgetPeriod.Month, "2026-12-31T18:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData(BudgetPeriod.Month, "2028-02-10T09:30:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData(BudgetPeriod.Day, "2028-02-29T23:59:59Z", "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z")]
    public void Ledger_Window_StartsAndResetsAtUtcMidnightOfTheDayOrMonth(BudgetPeriod period, string now, string start, string resets)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1, Period = period }, at);

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), ledger.WindowStart);
        Assert.Equal(DateTimeOffset.Parse(resets, System.Globalization.CultureInfo.InvariantCulture), ledger.ResetsAt);
        Assert.Contains(ledger.ResetsAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), BudgetBook.Refusal(ledger, 2), StringComparison.Ordinal);
    }

    [Fact]
    public void Ledger_Events_FireOnceForEachShareEachWindow()
    {
        var now = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1.0, WarnAt = 0.5, Mode = BudgetMode.Soft }, now);

        BudgetCrossing[] today = [.. new[] { 0.3, 0.3, 0.3, 0.2, 0.5 }.Select(dollars => ledger.Settle(0, dollars, now))];
        var state = ledger.State(now);
        // The next day: a new window, each share announced again; both at once when one request passes both.
        var tomorrow = now.AddDays(1);
        var both = ledger.Settle(0, 1.5, tomorrow);
        var after = ledger.Settle(0, 1, tomorrow);

        Assert.Equal([BudgetCrossing.None, BudgetCrossing.Warning, BudgetCrossing.None, BudgetCrossing.Exceeded, BudgetCrossing.None], today);
        Assert.Equal((BudgetStatus.Exceeded, 1.6, 1L, 1L), (state.Status, Math.Round(state.Spent, 9), state.Warnings, state.Exceedances));
        Assert.Equal(BudgetCrossing.Warning | BudgetCrossing.Exceeded, both);
        Assert.Equal(BudgetCrossing.None, after);
        Assert.Equal((2L, 2L), (ledger.State(tomorrow).Warnings, ledger.State(tomorrow).Exceedances));
        Assert.Equal((BudgetStatus.Ok, 0.0), (ledger.State(tomorrow.AddDays(1)).Status, ledger.State(tomorrow.AddDays(1)).Spent));
    }

    [Fact]
    public void Ledger_SeededPastItsShares_DoesNotAnnounceThemAgain()
    {
        var now = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1.0, WarnAt = 0.5, Mode = BudgetMode.Soft }, now);
        ledger.Seed(0.7);

        Assert.Equal(BudgetCrossing.None, ledger.Settle(0, 0.1, now));
        Assert.Equal(BudgetCrossing.Exceeded, ledger.Settle(0, 0.3, now));
        Assert.Equal(BudgetStatus.Exceeded, ledger.State(now).Status);
    }

    [Fact]
    public void Ledger_State_ShowsReservationsAndRefusals()
    {
        var now = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1.0, WarnAt = 0.8 }, now);
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.6, now, out _));
        Assert.Equal(Admission.Refused, ledger.TryReserve(1.5, now, out _));

        var state = ledger.State(now);

        Assert.Equal((0.0, 0.6, BudgetStatus.Ok, 1L), (state.Spent, state.Reserved, state.Status, state.Refusals));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), state.ResetsAt);
    }

    [Fact]
    public async Task Post_SoftBudgetPassingItsShareAndItsLimit_LogsEachOnceAndAdminBudgetsSaysWhereItStands()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var db = Path.Combine(directory, "switchyard.db");
            var keys = new Storage.Sqlite.SqliteKeyStore(new Storage.Sqlite.SqliteStoreOptions { Path = db }, TimeProvider.System);
            var (admin, id, hash) = Gateway.Auth.ApiKeys.Generate();
            Assert.True(keys.Add(new Storage.Keys.ApiKeyRecord { Id = id, Hash = hash, Team = "platform", Role = "operator", Created = DateTimeOffset.UtcNow }));
            await using var simulator = await SimulatorHost.StartAsync(Models with { Port = 0 });
            var config = ConfigLoader.Parse($$"""
                server: { listen: "http://127.0.0.1:0" }
                storage: { kind: sqlite, path: "{{db}}" }
                request_log: { flush_interval: 20ms }
                registry: { enforce: off }
                providers:
                  internal: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
                  external: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
                {{Deployments}}
                routes:
                  chat: { deployments: [llama] }
                budgets:
                  watch: { limit: 0.1, mode: soft, warn_at: 0.5 }
                {{LimitsYaml}}
                """, "soft.yaml", _ => null);
            Assert.True(config.Succeeded, string.Join("\n", config.Errors));
            using var logs = new Support.LogCapture();
            await using var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = keys, LogSink = logs });
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

            // About $0.04 a request at $1,000 per million tokens: the 50% share passes at the 2nd, the limit at the 3rd.
            for (var i = 0; i < 6; i++)
            {
                using var response = await client.PostAsync("v1/chat/completions", new StringContent(TieredGateway.Chat("chat", "Hello", "\"max_tokens\":20"), System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await gateway.FlushRequestLogAsync();
            using var request = new HttpRequestMessage(HttpMethod.Get, "admin/budgets");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + admin);
            using var budgets = await client.SendAsync(request);
            var watch = Assert.Single(JsonDocument.Parse(await budgets.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
            await using var store = new Storage.Sqlite.SqliteRequestLogStore(new Storage.Sqlite.SqliteStoreOptions { Path = db }, TimeProvider.System);
            var spent = (await store.QueryAsync(new Storage.RequestLog.RequestLogQuery(), CancellationToken.None)).Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0));

            var warning = Assert.Single(logs.Messages(1012));
            Assert.StartsWith("Budget watch has passed its warning share of 50%", warning, StringComparison.Ordinal);
            var exceeded = Assert.Single(logs.Messages(1030));
            Assert.StartsWith("Budget watch has passed its limit (soft: requests go on)", exceeded, StringComparison.Ordinal);
            Assert.Equal("exceeded", watch.GetProperty("state").GetString());
            Assert.Equal(spent, watch.GetProperty("spent_usd").GetDouble(), 9);
            Assert.True(spent > 0.1, $"spent {spent}");
            Assert.Equal(0, watch.GetProperty("reserved_usd").GetDouble());
            Assert.Equal(0.1, watch.GetProperty("limit_usd").GetDouble());
            Assert.Equal($"{DateTime.UtcNow.Date.AddDays(1):yyyy-MM-dd}T00:00:00Z", watch.GetProperty("resets_at").GetString());
            Assert.Equal((1, 1, 0), (watch.GetProperty("warnings").GetInt32(), watch.GetProperty("exceedances").GetInt32(), watch.GetProperty("refusals").GetInt32()));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Ledger_ReservationFromTheDayBefore_DoesNotFreeTodaysReservations()
    {
        var evening = new DateTimeOffset(2026, 12, 2, 23, 59, 0, TimeSpan.Zero);
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 1.0 }, evening);
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.5, evening, out _, out var yesterday));
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.5, evening.AddMinutes(2), out _, out var today));
        Assert.NotEqual(yesterday, today);

        // Yesterday's request settles after midnight: its cost counts today, its reservation was dropped with yesterday.
        ledger.Settle(0.5, 0.4, yesterday, evening.AddMinutes(3));

        Assert.Equal(Admission.Wait, ledger.TryReserve(0.2, evening.AddMinutes(3), out _));
        ledger.Settle(0.5, 0.1, today, evening.AddMinutes(4));
        Assert.Equal(0.5, ledger.Spent, 9);
        Assert.Equal(Admission.Admitted, ledger.TryReserve(0.2, evening.AddMinutes(4), out _));
    }

    [Fact]
    public void Book_Reload_KeepsWhatABudgetSpentUnlessItsScopeOrWindowChanged()
    {
        var now = DateTimeOffset.UtcNow;
        var book = new BudgetBook();
        book.Configure(Parse("budgets:\n  b: { route: chat, limit: 10 }\n  c: { limit: 10 }").Config!, now);
        book.For("chat")[1].Settle(0, 4, now);
        book.For("chat")[0].Settle(0, 1, now);

        book.Configure(Parse("budgets:\n  b: { route: chat, limit: 20, mode: soft }\n  c: { limit: 10, per: month }").Config!, now);

        var kept = book.All.Single(l => l.Config.Name == "b");
        Assert.Equal(4, kept.Spent, 9);
        Assert.Equal(20, kept.Config.Limit);
        Assert.Equal(BudgetMode.Soft, kept.Config.Mode);
        Assert.Equal(0, book.All.Single(l => l.Config.Name == "c").Spent); // a new window: a new account
        Assert.Equal(["c", "b"], book.For("chat").Select(l => l.Config.Name));
        Assert.Equal(["c"], book.For("unknown-route").Select(l => l.Config.Name));
    }

    [Theory]
    [InlineData("chat: { deployments: [llama, gpt] }", false, false, false)]
    [InlineData("chat: { quality: {}, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }", true, false, false)]
    [InlineData("chat: { quality: { judge: { deployment: judge } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }", true, true, false)]
    [InlineData("chat: { quality: { judge: { deployment: judge }, agreement: true }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }", true, true, true)]
    public void WorstCase_CoversEveryTierTheChecksAndAHedgeLeg(string route, bool everyTier, bool judged, bool sampled)
    {
        // llama $1 in / $2 out, gpt $10 / $40, judge $5 / $20 per million; 100 prompt tokens, max_tokens 50.
        var config = Parse("", """
              llama: { provider: vllm, model: llama, pricing: { input: 1, output: 2 } }
              gpt: { provider: vllm, model: gpt, hosting: external, pricing: { input: 10, output: 40 } }
              judge: { provider: vllm, model: judge, hosting: external, pricing: { input: 5, output: 20 } }
            """, route);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        using var table = new Gateway.Routing.RouteTable(config.Config!, TimeProvider.System);
        Assert.True(table.TryGetRoute("chat", out var chat));
        const double Llama = ((100 * 1.0) + (50 * 2.0)) / 1e6, Gpt = ((100 * 10.0) + (50 * 40.0)) / 1e6;
        var judgeCall = ((Gateway.Quality.JudgePrompt.OverheadTokens(config.Config!.Routes[0].Quality?.Judge ?? new JudgeConfig { Deployment = "judge" }) + 150) * 5.0 + (200 * 20.0)) / 1e6;

        var expected = (everyTier ? Llama + Gpt : Gpt) + (judged ? judgeCall : 0) + (sampled ? Llama : 0);
        Assert.Equal(expected, BudgetBook.WorstCase(chat, table, 100, 50, embeddings: false), 12);

        // With hedge_after, a second call may run beside the first: one more answer at the route's dearest.
        var hedged = Parse("", """
              llama: { provider: vllm, model: llama, pricing: { input: 1, output: 2 } }
              gpt: { provider: vllm, model: gpt, hosting: external, pricing: { input: 10, output: 40 } }
              judge: { provider: vllm, model: judge, hosting: external, pricing: { input: 5, output: 20 } }
            """, route.Replace("chat: { ", "chat: { hedge_after: 200ms, ", StringComparison.Ordinal));
        using var hedgedTable = new Gateway.Routing.RouteTable(hedged.Config!, TimeProvider.System);
        Assert.True(hedgedTable.TryGetRoute("chat", out var hedgedChat));
        Assert.Equal(expected + Gpt, BudgetBook.WorstCase(hedgedChat, hedgedTable, 100, 50, embeddings: false), 12);
        // Without max_tokens the answer is assumed to be 1,024 tokens.
        Assert.Equal(everyTier ? 0 : ((100 * 10.0) + (BudgetBook.DefaultOutputTokens * 40.0)) / 1e6, everyTier ? 0 : BudgetBook.WorstCase(chat, table, 100, null, embeddings: false), 12);
    }

    [Fact]
    public async Task Post_HardBudgetThatCoversTheAnswerButNotTheJudge_RefusesBeforeAnyCall()
    {
        // The answer's worst case (100-ish prompt tokens and 20 out at $1,000 per million) fits $0.30 (about $0.08 for both tiers); with the judge's
        // call (its instructions, the prompt and the answer in, 200 out) it does not.
        await using var gateway = await TieredGateway.StartAsync(Deployments + """
              judge: { provider: internal, model: strong, pricing: { input: 1000, output: 1000 } }
            routes:
              chat: { quality: { judge: { deployment: judge } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
            budgets:
              thirty-cents: { route: chat, limit: 0.3 }
            """ + "\n" + LimitsYaml, Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello", "\"max_tokens\":20"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("thirty-cents", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Internal.Stats.Requests);
    }

    [Fact]
    public void Ledger_Soft_NeverRefuses()
    {
        var now = DateTimeOffset.UnixEpoch;
        var ledger = new BudgetLedger(new BudgetConfig { Name = "b", Limit = 0.1, Mode = BudgetMode.Soft }, now);

        ledger.Settle(0, 5, now);

        Assert.Equal(Admission.Admitted, ledger.TryReserve(1, now, out _));
    }

    [Fact]
    public async Task Post_HardBudget_StopsFiftyParallelClientsAtTheRequestOneClientStopsAt()
    {
        var one = await RunAsync(clients: 1, perClient: 60);
        var fifty = await RunAsync(clients: 50, perClient: 4);

        Assert.InRange(one.Admitted, 5, 59);
        Assert.Equal(one.Admitted, fifty.Admitted);
        Assert.True(fifty.Spent <= 2.0, $"spent {fifty.Spent}");
        Assert.Equal(one.Spent, fifty.Spent, 9);
        // Every request that was not admitted was refused by the budget, and for no other reason.
        Assert.Equal(0, one.Other);
        Assert.Equal(0, fifty.Other);
        Assert.Equal(60 - one.Admitted, one.Refused);
        Assert.Equal(200 - fifty.Admitted, fifty.Refused);
    }

    [Fact]
    public async Task Post_BudgetSpent_IsRefusedBeforeAnyUpstreamCallWithWhichBudgetAndWhen()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + """
            routes:
              chat: { deployments: [llama] }
            budgets:
              tiny: { route: chat, limit: 0.000001 }
            """ + "\n" + LimitsYaml, Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
        Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("Budget 'tiny' (route 'chat', $0.00 a day) cannot cover this request", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // A day's budget resets at the next midnight UTC.
        var midnight = DateTime.UtcNow.Date.AddDays(1);
        Assert.Contains($"It resets at {midnight:yyyy-MM-dd}T00:00:00Z;", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Internal.Stats.Requests);
    }

    [Fact]
    public async Task Post_SoftBudgetPastItsShare_AnswersWithAWarning()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + """
            routes:
              chat: { deployments: [llama] }
            budgets:
              watch: { limit: 0.01, mode: soft, warn_at: 0.5 }
            """ + "\n" + LimitsYaml, Models);

        using var first = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello", "\"max_tokens\":20"));
        using var second = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello", "\"max_tokens\":20"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.StartsWith("watch: ", second.Header("x-switchyard-budget-warning"), StringComparison.Ordinal);
        Assert.Contains("of $0.01 a day used; resets ", second.Header("x-switchyard-budget-warning"), StringComparison.Ordinal);
        Assert.EndsWith($"resets {DateTime.UtcNow.Date.AddDays(1):yyyy-MM-dd}T00:00:00Z", second.Header("x-switchyard-budget-warning"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BudgetSpentBeforeARestart_StaysSpent()
    {
        // What this window already spent is in the request log: a restart must not hand the budget out again.
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var db = Path.Combine(directory, "switchyard.db");
            await using (var store = new Storage.Sqlite.SqliteRequestLogStore(new Storage.Sqlite.SqliteStoreOptions { Path = db }, TimeProvider.System))
            {
                await store.InitializeAsync(CancellationToken.None);
                await store.WriteBatchAsync(
                [
                    new Storage.RequestLog.RequestLogEntry { Timestamp = DateTimeOffset.UtcNow, RequestId = "before", Endpoint = "chat.completions", Route = "chat", Status = 200, CostUsd = 4.5, ExtraCostUsd = 0.5 },
                ], CancellationToken.None);
            }

            await using var simulator = await SimulatorHost.StartAsync(Models with { Port = 0 });
            var config = ConfigLoader.Parse($$"""
                server: { listen: "http://127.0.0.1:0" }
                storage: { kind: sqlite, path: "{{db}}" }
                registry: { enforce: off }
                providers:
                  internal: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
                  external: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
                {{Deployments}}
                routes:
                  chat: { deployments: [llama] }
                budgets:
                  five-dollars: { route: chat, limit: 5 }
                {{LimitsYaml}}
                """, "restart.yaml", _ => null);
            Assert.True(config.Succeeded, string.Join("\n", config.Errors));
            await using var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions());
            using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

            using var response = await client.PostAsync("chat/completions", new StringContent(TieredGateway.Chat("chat", "Hello"), System.Text.Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Contains("$5.0000 spent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<(int Admitted, int Refused, int Other, double Spent)> RunAsync(int clients, int perClient)
    {
        // 20 ms an answer: the fifty clients' requests overlap, so many are in flight as the budget runs out.
        var slow = Models with { Models = [Models.Models[0] with { TimeToFirstToken = TimeSpan.FromMilliseconds(20) }] };
        await using var gateway = await TieredGateway.StartAsync(Deployments + """
            routes:
              chat: { deployments: [llama] }
            budgets:
              two-dollars: { route: chat, limit: 2 }
            """ + "\n" + LimitsYaml, slow);
        int admitted = 0, refused = 0, other = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = 0; i < perClient; i++)
            {
                // The same request every time: the same cost, so one client and fifty must stop at the same count. Its
                // worst case (max_tokens 400) is far above what it costs, so admitting on reservations alone would stop early.
                using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Name three rivers in France.", "\"max_tokens\":400"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref admitted);
                }
                else if (response.StatusCode == HttpStatusCode.TooManyRequests && ErrorCode(await response.Content.ReadAsStringAsync()) == "budget_exceeded")
                {
                    Interlocked.Increment(ref refused);
                }
                else
                {
                    Interlocked.Increment(ref other);
                }
            }
        }));

        var entries = await gateway.LogEntriesAsync();
        return (admitted, refused, other, entries.Sum(e => e.CostUsd ?? 0));
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ConfigLoadResult Parse(string budgets, string deployments = "  llama: { provider: vllm, model: llama }", string route = "chat: { deployments: [llama] }") => ConfigLoader.Parse($"""
        providers:
          vllm: {"{"} kind: openai, base_url: http://localhost:8000/v1 {"}"}
        registry: {"{"} enforce: off {"}"}
        deployments:
        {deployments.TrimEnd()}
        routes:
          {route}
        {budgets}
        """, "switchyard.yaml", _ => null);
}
