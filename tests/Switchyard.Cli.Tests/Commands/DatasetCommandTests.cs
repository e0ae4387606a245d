using System.CommandLine;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard dataset export</c> and <c>switchyard escalations</c> over a real SQLite file.</summary>
public sealed class DatasetCommandTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public DatasetCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Export_OpenAI_WritesTheConversationWithTheBetterAnswerLast()
    {
        await SeedAsync(Record("a", "What is the capital of France?", "Paris."));
        var output = Path.Combine(_directory, "train.jsonl");

        var (exit, stdout, error) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "--output", output, "--validation-share", "0");

        Assert.True(exit == 0, error);
        var line = Assert.Single(File.ReadAllLines(output));
        using var example = JsonDocument.Parse(line);
        var messages = example.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("What is the capital of France?", messages[1].GetProperty("content").GetString());
        Assert.Equal("Paris.", messages[2].GetProperty("content").GetString());
        Assert.Contains("1 escalation records read; 1 train and 0 validation examples written", stdout, StringComparison.Ordinal);
        Assert.Contains("read back and checked", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ShareGptAndAlpaca_UseTheirFieldNames()
    {
        await SeedAsync(Record("a", "Name a colour.", "Blue.", history: true));
        var sharegpt = Path.Combine(_directory, "sharegpt.jsonl");
        var alpaca = Path.Combine(_directory, "alpaca.jsonl");

        Assert.Equal(0, (await InvokeAsync("dataset", "export", "--db", DatabasePath, "--format", "sharegpt", "-o", sharegpt, "--validation-share", "0")).Exit);
        Assert.Equal(0, (await InvokeAsync("dataset", "export", "--db", DatabasePath, "--format", "alpaca", "-o", alpaca, "--validation-share", "0")).Exit);

        using var share = JsonDocument.Parse(File.ReadAllText(sharegpt));
        Assert.Equal(["system", "human", "gpt", "human", "gpt"], share.RootElement.GetProperty("conversations").EnumerateArray().Select(t => t.GetProperty("from").GetString()));
        using var alp = JsonDocument.Parse(File.ReadAllText(alpaca));
        Assert.Equal("Name a colour.", alp.RootElement.GetProperty("instruction").GetString());
        Assert.Equal("", alp.RootElement.GetProperty("input").GetString());
        Assert.Equal("Blue.", alp.RootElement.GetProperty("output").GetString());
        Assert.Equal("You are terse.", alp.RootElement.GetProperty("system").GetString());
        var history = Assert.Single(alp.RootElement.GetProperty("history").EnumerateArray());
        Assert.Equal(["Hi", "Hello."], history.EnumerateArray().Select(h => h.GetString()));
    }

    [Fact]
    public async Task Export_DedupesRedactsAndSplitsWithTheSeed()
    {
        var records = new List<EscalationRecord>
        {
            Record("dup-old", "Mail me at jane.doe@example.com please", "Done.", at: Start),
            Record("dup-new", "mail me at   JANE.DOE@example.com please", "Sent.", at: Start.AddMinutes(1)),
        };
        records.AddRange(Enumerable.Range(0, 18).Select(i => Record($"r{i:00}", $"Question {i}", $"Answer {i}", at: Start.AddMinutes(2 + i))));
        await SeedAsync([.. records]);
        var output = Path.Combine(_directory, "train.jsonl");

        var (exit, stdout, error) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "-o", output, "--redact-pii", "--validation-share", "0.25", "--seed", "7");
        var first = File.ReadAllLines(output);
        var validation = File.ReadAllLines(Path.Combine(_directory, "train.validation.jsonl"));
        await InvokeAsync("dataset", "export", "--db", DatabasePath, "-o", output, "--redact-pii", "--validation-share", "0.25", "--seed", "7");

        Assert.True(exit == 0, error);
        Assert.Contains("1 duplicate prompts dropped", stdout, StringComparison.Ordinal);
        Assert.Equal(14, first.Length);
        Assert.Equal(5, validation.Length);
        Assert.Equal(first, File.ReadAllLines(output));
        var all = string.Join("\n", first.Concat(validation));
        Assert.DoesNotContain("jane.doe", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[EMAIL]", all, StringComparison.Ordinal);
        // The newest of the duplicates is the one kept.
        Assert.Contains("Sent.", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Done.", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ReviewedBadAndUnimproved_AreLeftOut()
    {
        await SeedAsync(
            Record("good", "Q1", "A1"),
            Record("bad", "Q2", "A2"),
            Record("same", "Q3", "A3", finalDeployment: "llama"));
        Assert.Equal(0, (await InvokeAsync("escalations", "review", "bad", "bad", "--db", DatabasePath, "--note", "wrong")).Exit);
        var output = Path.Combine(_directory, "train.jsonl");

        var (exit, stdout, _) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "-o", output, "--validation-share", "0");

        Assert.Equal(0, exit);
        Assert.Single(File.ReadAllLines(output));
        Assert.Contains("1 skipped: the escalation found no better answer", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalations_ListShowReviewDelete_WorkOnTheFile()
    {
        await SeedAsync(Record("req-1", "Explain TCP.", "TCP is a transport protocol."), Record("req-2", "Explain UDP.", "UDP is connectionless.", at: Start.AddMinutes(1)));

        var (exit, list, _) = await InvokeAsync("escalations", "list", "--db", DatabasePath, "--json");
        Assert.Equal(0, exit);
        var rows = list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["req-2", "req-1"], rows.Select(r => r.GetProperty("request_id").GetString()));
        Assert.Equal("refusal", rows[0].GetProperty("cheap").GetProperty("failed").GetString());

        var (_, shown, _) = await InvokeAsync("escalations", "show", "req-1", "--db", DatabasePath);
        Assert.Contains("TCP is a transport protocol.", shown, StringComparison.Ordinal);
        Assert.Contains("scored 0.33", shown, StringComparison.Ordinal);

        Assert.Equal(0, (await InvokeAsync("escalations", "review", "req-1", "good", "--db", DatabasePath)).Exit);
        var (_, good, _) = await InvokeAsync("escalations", "list", "--db", DatabasePath, "--review", "good", "--json");
        Assert.Single(good.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(0, (await InvokeAsync("escalations", "delete", "req-2", "--db", DatabasePath)).Exit);
        var (missing, _, error) = await InvokeAsync("escalations", "show", "req-2", "--db", DatabasePath);
        Assert.Equal(1, missing);
        Assert.Contains("No escalation record for request 'req-2'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_RouteAndTimeFilters_KeepOnlyWhatTheyName()
    {
        await SeedAsync(
            Record("early", "Q early", "A early", at: Start),
            Record("middle", "Q middle", "A middle", at: Start.AddHours(1)),
            Record("late", "Q late", "A late", at: Start.AddHours(2)),
            Record("elsewhere", "Q elsewhere", "A elsewhere", at: Start.AddHours(1), route: "support"));

        var route = await ExportAsync("--route", "support");
        // --since is inclusive, --until exclusive: the hour from Start+1h holds only "middle" of route chat.
        var window = await ExportAsync("--route", "chat", "--since", "2026-12-02T10:00:00Z", "--until", "2026-12-02T11:00:00Z");
        var fromMiddle = await ExportAsync("--since", "2026-12-02T10:00:00Z");

        Assert.Equal(["Q elsewhere"], route);
        Assert.Equal(["Q middle"], window);
        Assert.Equal(["Q elsewhere", "Q late", "Q middle"], fromMiddle.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Export_ScoreFilters_FinalScoreAtLeastAndJudgeScoreAtMost()
    {
        await SeedAsync(
            Record("clear", "Q clear", "A clear", finalScore: 1, cheapJudge: 0.1),
            Record("doubtful", "Q doubtful", "A doubtful", finalScore: 1, cheapJudge: 0.6),
            Record("weak", "Q weak", "A weak", finalScore: 0.5, cheapJudge: 0.1),
            Record("unjudged", "Q unjudged", "A unjudged", finalScore: 1));

        var scored = await ExportAsync("--min-score", "0.8");
        var clearFailures = await ExportAsync("--max-judge-score", "0.3");
        var both = await ExportAsync("--min-score", "0.8", "--max-judge-score", "0.3");
        var (exit, _, error) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "-o", Path.Combine(_directory, "x.jsonl"), "--max-judge-score", "3");

        Assert.Equal(["Q clear", "Q doubtful", "Q unjudged"], scored.Order(StringComparer.Ordinal));
        // The judge's filter leaves out what it never judged.
        Assert.Equal(["Q clear", "Q weak"], clearFailures.Order(StringComparer.Ordinal));
        Assert.Equal(["Q clear"], both);
        Assert.Equal(1, exit);
        Assert.Contains("--max-judge-score must be between 0 and 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BadLine_NamesTheFileAndTheLine()
    {
        var path = Path.Combine(_directory, "train.jsonl");
        File.WriteAllLines(path,
        [
            """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}""",
            """{"messages":[{"role":"user","content":"Hey"},{"role":"assistant","content":"Hi."}]}""",
            """{"messages":[{"role":"user","content":"Bye"}]}""",
            """not json""",
        ]);

        var problem = DatasetCommand.Check(path, Switchyard.Gateway.Quality.Datasets.DatasetFormat.OpenAI);

        // The first bad line is reported, with its number; the lines before it were fine.
        Assert.Equal($"{path}:3: 'messages' must be an array of at least two messages", problem);
        File.WriteAllLines(path, File.ReadAllLines(path)[..2]);
        Assert.Equal("", DatasetCommand.Check(path, Switchyard.Gateway.Quality.Datasets.DatasetFormat.OpenAI));
    }

    [Fact]
    public async Task Escalations_Show_PrintsTheTokensCostTimeAndSignalsOfBothAnswers()
    {
        await SeedAsync(Record("req-1", "Explain TCP.", "TCP is a transport protocol."));

        var (exit, shown, error) = await InvokeAsync("escalations", "show", "req-1", "--db", DatabasePath);
        var (_, list, _) = await InvokeAsync("escalations", "list", "--db", DatabasePath, "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("(20 tokens in, 9 out; $0.000038; 412 ms; logprob_mean -2.1, logprob_min -6.25)", shown, StringComparison.Ordinal);
        Assert.Contains("(20 tokens in, 5 out; $0.0001; 1,830 ms; judge 0.9)", shown, StringComparison.Ordinal);
        var row = JsonDocument.Parse(list).RootElement;
        Assert.Equal(0.000038, row.GetProperty("cheap").GetProperty("cost_usd").GetDouble());
        Assert.Equal(412.4, row.GetProperty("cheap").GetProperty("latency_ms").GetDouble());
        Assert.Equal(-6.25, row.GetProperty("cheap").GetProperty("signals").GetProperty("logprob_min").GetDouble());
        Assert.Equal(1830, row.GetProperty("final").GetProperty("latency_ms").GetDouble());
        Assert.Equal(0.9, row.GetProperty("final").GetProperty("signals").GetProperty("judge").GetDouble());
    }

    [Fact]
    public async Task Export_DatabaseMissing_SaysWhatToRunAndCreatesNothing()
    {
        var (exit, _, error) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "-o", Path.Combine(_directory, "x.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("switchyard serve", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    private async Task SeedAsync(params EscalationRecord[] records)
    {
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(
            [.. records.Select(r => new RequestLogEntry { Timestamp = r.Timestamp, RequestId = r.RequestId, Endpoint = "chat.completions", Route = r.Route, EscalatedFrom = r.CheapDeployment, Escalation = r })],
            CancellationToken.None);
    }

    /// <summary>Exports with the filters given (no split) and returns the user prompt of each example written.</summary>
    private async Task<List<string>> ExportAsync(params string[] filters)
    {
        var output = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl");
        var (exit, _, error) = await InvokeAsync(["dataset", "export", "--db", DatabasePath, "-o", output, "--validation-share", "0", .. filters]);
        Assert.True(exit == 0, error);
        return [.. File.ReadAllLines(output).Select(line =>
        {
            using var example = JsonDocument.Parse(line);
            return example.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
        })];
    }

    private static EscalationRecord Record(string id, string prompt, string answer, DateTimeOffset? at = null, bool history = false, string finalDeployment = "gpt",
        string route = "chat", double finalScore = 1, double? cheapJudge = null)
    {
        var messages = new List<object> { new { role = "system", content = "You are terse." } };
        if (history)
        {
            messages.Add(new { role = "user", content = "Hi" });
            messages.Add(new { role = "assistant", content = "Hello." });
        }

        messages.Add(new { role = "user", content = prompt });
        return new EscalationRecord
        {
            RequestId = id,
            Timestamp = at ?? Start,
            Route = route,
            Endpoint = "chat.completions",
            Request = JsonSerializer.Serialize(new { model = "chat", messages }),
            CheapDeployment = "llama",
            CheapTier = "open",
            CheapAnswer = "I'm sorry, but I can't help with that.",
            CheapScore = 0.33,
            CheapFailed = "refusal",
            CheapReasons = "the answer opens with a refusal",
            CheapInputTokens = 20,
            CheapOutputTokens = 9,
            CheapCostUsd = 0.000038,
            CheapLatencyMs = 412.4,
            CheapSignals = new Dictionary<string, double> { ["logprob_mean"] = -2.1, ["logprob_min"] = -6.25 },
            FinalDeployment = finalDeployment,
            FinalTier = "frontier",
            FinalAnswer = answer,
            CheapJudgeScore = cheapJudge,
            FinalScore = finalScore,
            FinalInputTokens = 20,
            FinalOutputTokens = 5,
            FinalCostUsd = 0.0001,
            FinalLatencyMs = 1830,
            FinalSignals = new Dictionary<string, double> { ["judge"] = 0.9 },
        };
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(EscalationsCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
