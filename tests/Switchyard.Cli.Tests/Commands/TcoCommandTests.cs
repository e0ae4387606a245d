using System.CommandLine;
using System.Xml.Linq;
using Switchyard.Cli.Commands;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard tco</c> as a user runs it: the seed analyses' figures, bad input, the SVG chart, and the request log.</summary>
public sealed class TcoCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public TcoCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Tco_50MTokensADayAt5Dollars_PrintsTheAnnualCostsAndTheBreakEven()
    {
        var (exit, output, error) = await InvokeAsync("tco", "--api-price", "5", "--tokens-per-day", "50M", "--gpu-hour", "2.5", "--gpus", "1", "--gpu-tokens-per-second", "2500", "--utilisation", "0.6");

        Assert.True(exit == 0, error);
        // 50M × 365 × $5/1M = $91,250; 2.5 × 24 × 365 = $21,900; 21,900 / (365 × 5/1M) = 12M tokens a day.
        Assert.Contains("$91.3k", output, StringComparison.Ordinal);
        Assert.Contains("API: $91,250 a year", output, StringComparison.Ordinal);
        Assert.Contains("Self-hosted: $21,900 a year on 1 GPU set", output, StringComparison.Ordinal);
        Assert.Contains("serving 129,600,000 tokens a day", output, StringComparison.Ordinal);
        Assert.Contains("Break-even: 12M tokens a day (12,000,000)", output, StringComparison.Ordinal);
        Assert.Contains("12M ◄ break-even", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_TheSeedTable_Totals1_45MAnd800k()
    {
        var (exit, output, error) = await InvokeAsync("tco", "compare", "--api-inference", "$1.2M", "--self-inference", "450k",
            "--api-fine-tuning", "200k", "--self-fine-tuning", "50k", "--api-engineering", "50k", "--self-engineering", "300k");

        Assert.True(exit == 0, error);
        foreach (var row in new[] { "Inference", "Fine-tuning", "Engineering", "Data privacy", "Total" })
        {
            Assert.Contains(row, output, StringComparison.Ordinal);
        }

        Assert.Contains("API $1.45M a year against self-hosted $800k: self-hosting saves $650k a year ($650,000).", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tco_10MCallsAMonth_DerivesThe150kAnd15kAndThe1_62MSaved()
    {
        // 300 in × $30/1M + 100 out × $60/1M = $0.015 a call; × 10M = $150k a month. $15k a month self-hosted.
        var (exit, output, error) = await InvokeAsync("tco", "--calls-per-month", "10M", "--tokens-per-call", "400", "--input-share", "75%",
            "--api-price-in", "30", "--api-price-out", "60", "--self-monthly", "15k");

        Assert.True(exit == 0, error);
        Assert.Contains("API: $1,800,000 a year ($150,000 a month).", output, StringComparison.Ordinal);
        Assert.Contains("Self-hosted: $180,000 a year on 1 GPU set ($15,000 a month).", output, StringComparison.Ordinal);
        Assert.Contains("Self-hosting saves $1.62M a year ($1,620,000).", output, StringComparison.Ordinal);
        Assert.Contains("1M calls a month", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--api-price '5X' is not an amount: write it like 50M, 1.2M, 450k, 2,500 or $5.", "--api-price", "5X", "--gpu-hour", "2.5")]
    [InlineData("Give the API price: --api-price 5", "--tokens-per-day", "50M", "--gpu-hour", "2.5")]
    [InlineData("Give the self-hosted cost: --gpu-hour 2.5", "--api-price", "5", "--tokens-per-day", "50M")]
    [InlineData("--utilisation must be more than 0 and at most 1", "--api-price", "5", "--gpu-hour", "2.5", "--gpu-tokens-per-second", "2500", "--utilisation", "1.5")]
    [InlineData("add --input-share", "--api-price-in", "3", "--api-price-out", "15", "--tokens-per-day", "1M", "--gpu-hour", "2.5")]
    [InlineData("--calls-per-month needs --tokens-per-call", "--api-price", "5", "--calls-per-month", "10M", "--gpu-hour", "2.5")]
    [InlineData("--api-price-out is missing", "--api-price-in", "3", "--gpu-hour", "2.5")]
    public async Task Tco_BadInput_SaysWhichOptionAndHowToFixIt(string message, params string[] args)
    {
        var (exit, output, error) = await InvokeAsync(["tco", .. args]);

        Assert.Equal(1, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error + output, StringComparison.Ordinal);
        Assert.DoesNotContain("Break-even", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tco_Chart_WritesAnSvgThatParsesWithALinePerStrategyAndTheBreakEven()
    {
        var path = Path.Combine(_directory, "charts", "tco.svg");

        var (exit, output, error) = await InvokeAsync("tco", "--api-price", "5", "--gpu-hour", "2.5", "--gpu-tokens-per-second", "100", "--utilisation", "0.6", "--chart", path);

        Assert.True(exit == 0, error);
        Assert.Contains($"Chart written to {path}.", output, StringComparison.Ordinal);
        var svg = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var lines = svg.Descendants(ns + "polyline").ToList();
        Assert.Equal(["API", "Self-hosted"], lines.Select(l => (string?)l.Attribute("data-strategy")));
        // 100 tokens/s at 60%: 5.184M tokens a day a set, costing $21,900 against the API's $9,460: it never breaks even, and
        // the chart shows the steps (two points per set).
        Assert.True(lines[1].Attribute("points")!.Value.Split(' ').Length > 4);
        Assert.Contains("Break-even: never", output, StringComparison.Ordinal);

        var (exit2, _, error2) = await InvokeAsync("tco", "--api-price", "5", "--gpu-hour", "2.5", "--gpu-tokens-per-second", "2500", "--utilisation", "0.6", "--chart", path);
        Assert.True(exit2 == 0, error2);
        var marked = XDocument.Load(path);
        var breakEven = Assert.Single(marked.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "break-even");
        Assert.Equal(breakEven.Attribute("x1")!.Value, breakEven.Attribute("x2")!.Value);
        Assert.Contains(marked.Descendants(ns + "text"), t => t.Value == "break-even 12M tokens a day");
    }

    [Fact]
    public async Task FromTraffic_ProjectsNextMonthForAllApiAllSelfHostedAndTheHybrid()
    {
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, """
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
              openai: { kind: openai, base_url: https://api.openai.com/v1 }
            deployments:
              llama: { provider: vllm, model: llama, hosting: self-hosted }
              gpt-4o: { provider: openai, model: gpt-4o, hosting: external, pricing: { input: 2.5, output: 7.5 } }
            routes:
              chat: { deployments: [llama, gpt-4o] }
            """);
        var db = Path.Combine(_directory, "switchyard.db");
        await SeedWeekAsync(db);

        var (exit, output, error) = await InvokeAsync("tco", "--from-traffic", "--db", db, "--config", config, "--since", "7d",
            "--api-price-in", "5", "--api-price-out", "15", "--gpu-hour", "2.5", "--gpu-tokens-per-second", "50");

        Assert.True(exit == 0, error);
        Assert.Contains("2026-11-14 00:00 to 2026-11-21 00:00 UTC, 7 days", output, StringComparison.Ordinal);
        Assert.Contains("21,000,000", output, StringComparison.Ordinal);
        Assert.Contains("1 request(s) without token counts", output, StringComparison.Ordinal);
        Assert.Contains("5.5M tokens a day (4M of them self-hosted)", output, StringComparison.Ordinal);
        // A day: 4M in × $5/M + 1.5M out × $15/M = $42.50, 30 days $1,275; 5.5M a day on 4.32M-a-day sets: 2 × $60 × 30 = $3,600;
        // hybrid: gpt-4o at its own price-book price, half the flags': $6.25 a day × 30 = $187.50, plus llama's one set,
        // $1,800: $1,987.50.
        Assert.Matches(@"All API\s.*\$1,275", output);
        Assert.Matches(@"All self-hosted\s.*\s2\s.*\$3,600", output);
        Assert.Matches(@"Hybrid as served\s.*\$188\s.*\$1\.8k\s.*\s1\s.*\$1,987\.50", output);
        Assert.Contains("Cheapest: All API.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromTraffic_WithAVolumeOption_RefusesIt()
    {
        var (exit, _, error) = await InvokeAsync("tco", "--from-traffic", "--tokens-per-day", "5M", "--api-price", "5", "--gpu-hour", "2.5");

        Assert.Equal(1, exit);
        Assert.Contains("--tokens-per-day gives a volume, and --from-traffic takes the volume from the request log", error, StringComparison.Ordinal);
    }

    private static async Task SeedWeekAsync(string db)
    {
        var since = Now.AddDays(-7);
        var entries = new List<RequestLogEntry>();
        for (var day = 0; day < 7; day++)
        {
            entries.Add(Entry(since.AddDays(day), "gpt-4o", 1_000_000, 500_000));
            entries.Add(Entry(since.AddDays(day).AddHours(1), "llama", 3_000_000, 1_000_000));
        }

        entries.Add(Entry(since.AddHours(3), "llama", null, null) with { Status = 503 });
        entries.Add(Entry(since.AddDays(-3), "gpt-4o", 9_000_000, 9_000_000));
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = db }, new FixedClock(Now));
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(entries, CancellationToken.None);
    }

    private static RequestLogEntry Entry(DateTimeOffset at, string deployment, int? input, int? output) => new()
    {
        Timestamp = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Endpoint = "chat.completions",
        Route = "chat",
        Deployment = deployment,
        Attempts = 1,
        Status = 200,
        InputTokens = input,
        OutputTokens = output,
    };

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(TcoCommand.Create(new FixedClock(Now)));
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
