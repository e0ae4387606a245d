using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard dataset import</c>, <c>router train</c> and <c>router eval</c> as a user runs them.</summary>
public sealed class RouterCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public RouterCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    [Fact]
    public async Task ImportTrainEval_TheTrainedRouterBeatsBothBaselines()
    {
        var train = WriteOutcomes("train.jsonl", 400, seed: 1);
        var test = WriteOutcomes("test.jsonl", 200, seed: 2);
        var model = Path.Combine(_directory, "switchyard.router");

        var (importExit, imported, importError) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", train);
        Assert.True(importExit == 0, importError);
        Assert.Contains("Imported 400 outcomes", imported, StringComparison.Ordinal);

        var (trainExit, trained, trainError) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", model, "--frontier-share", "0.3");
        Assert.True(trainExit == 0, trainError);
        Assert.Contains("400 examples", trained, StringComparison.Ordinal);
        // A small set: measured and calibrated by 5-fold cross-validation, and the router learns from all of it.
        Assert.Contains("trained on 400 in", trained, StringComparison.Ordinal);
        Assert.Contains("5-fold cross-validated: AUROC", trained, StringComparison.Ordinal);
        Assert.True(File.Exists(model));

        var (evalExit, evaluated, evalError) = await InvokeAsync("router", "eval", "--data", test, "--model", model);
        Assert.True(evalExit == 0, evalError);
        AssertBeatsBothBaselines(evaluated);
        Assert.True(Row(evaluated, "trained router") >= 0.65, evaluated);
    }

    [Fact]
    public async Task Eval_RandomBaseline_IsItsExpectationWhateverTheData()
    {
        var test = WriteOutcomes("test.jsonl", 200, seed: 2);
        var model = Path.Combine(_directory, "switchyard.router");
        await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", WriteOutcomes("train.jsonl", 200, seed: 1));
        Assert.Equal(0, (await InvokeAsync("router", "train", "--db", DatabasePath, "-o", model)).Exit);

        var (exit, evaluated, error) = await InvokeAsync("router", "eval", "--data", test, "--model", model);

        // A random router recovers the gap in proportion to its calls: APGR 0.5, CPT(50%) 50%, CPT(80%) 80%, AUROC 0.5,
        // and PGR 0.1 / 0.2 / 0.3 / 0.5 at those shares of 200 items; never one draw's luck.
        Assert.True(exit == 0, error);
        Assert.Equal(0.5, Cell(evaluated, "random (expected)", 1));
        Assert.Equal(0.5, Cell(evaluated, "random (expected)", 2));
        Assert.Equal(0.8, Cell(evaluated, "random (expected)", 3));
        Assert.Equal(0.5, Cell(evaluated, "random (expected)", 4));
        Assert.Contains("0.100 / 0.200 / 0.300 / 0.500", evaluated.Split('\n').First(l => l.Contains("random (expected)", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportTrainEval_OnlyTheTagsTellFailuresApart_TheRouterLearnsThem()
    {
        // The prompts are drawn alike for both outcomes: the "legal" tag is all there is to learn from.
        var train = WriteTaggedOutcomes("train.jsonl", 400, seed: 1);
        var test = WriteTaggedOutcomes("test.jsonl", 200, seed: 2);
        var model = Path.Combine(_directory, "switchyard.router");

        Assert.Equal(0, (await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", train)).Exit);
        var (trainExit, _, trainError) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", model, "--frontier-share", "0.3");
        Assert.True(trainExit == 0, trainError);
        var (evalExit, evaluated, evalError) = await InvokeAsync("router", "eval", "--data", test, "--model", model);

        Assert.True(evalExit == 0, evalError);
        Assert.True(Cell(evaluated, "trained router", 4) > 0.9, evaluated);
    }

    [Fact]
    public async Task Examples_TagsFromTheRecordsTheirRequestsAndTheSamples()
    {
        var at = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        await using (var log = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System))
        {
            await log.InitializeAsync(CancellationToken.None);
            var kept = Escalation("kept", at, """{"model":"chat","messages":[{"role":"user","content":"Q1"}]}""") with { Tags = "team-a,support" };
            // Recorded before tags were kept with it: the request's own metadata.tags is what is left.
            var older = Escalation("older", at, """{"model":"chat","metadata":{"tags":"exam"},"messages":[{"role":"user","content":"Q2"}]}""");
            var sample = new OutcomeSample { Timestamp = at, Source = "passed", Route = "chat", Label = "code", Tags = "team-b", Prompt = "Q3", CheapFailed = false };
            await log.WriteBatchAsync(
                [
                    new RequestLogEntry { Timestamp = at, RequestId = "kept", Endpoint = "chat.completions", Route = "chat", Escalation = kept },
                    new RequestLogEntry { Timestamp = at, RequestId = "older", Endpoint = "chat.completions", Route = "chat", Escalation = older },
                    new RequestLogEntry { Timestamp = at, RequestId = "s", Endpoint = "chat.completions", Route = "chat", Sample = sample },
                ],
                CancellationToken.None);
        }

        var store = new SqliteEscalationStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        var examples = RouterCommand.Examples(store, route: null, since: null);

        Assert.Equal(
            [("Q1", "code,team-a,support", true), ("Q2", "code,exam", true), ("Q3", "code,team-b", false)],
            examples.Select(e => (e.Prompt, e.Tags, e.CheapFailed)).OrderBy(e => e.Prompt));
    }

    [Fact]
    public async Task Import_BadLine_SaysWhereAndImportsNothing()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllLines(path,
        [
            """{"prompt": "fine", "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "no scores"}""",
            """{"prompt": "not a score", "scores": {"open": "high", "frontier": 1}}""",
        ]);

        var (exit, _, error) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path);

        Assert.Equal(1, exit);
        Assert.Contains("bad.jsonl:2: needs \"scores\"", error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:3: scores.open must be a score: a number (0 to 1, 0 to 10 or 0 to 100), true or false", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task ImportTrainEval_RouterBenchShapedCsv_WithWeakAndStrongColumns()
    {
        var train = WriteRouterBench("train.csv", 400, seed: 1);
        var test = WriteRouterBench("test.csv", 200, seed: 2);
        var model = Path.Combine(_directory, "switchyard.router");
        string[] pair = ["--weak", "meta/llama-2-70b-chat", "--strong", "gpt-4-1106-preview"];

        var (importExit, imported, importError) = await InvokeAsync(["dataset", "import", "--db", DatabasePath, "--file", train, .. pair]);
        Assert.True(importExit == 0, importError);
        Assert.Contains("Read 400 outcomes from train.csv (CSV, a column per model): weak meta/llama-2-70b-chat on 0-1, strong gpt-4-1106-preview on 0-1", imported, StringComparison.Ordinal);
        Assert.Contains("Imported 400 outcomes", imported, StringComparison.Ordinal);

        var (trainExit, _, trainError) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", model, "--frontier-share", "0.3");
        Assert.True(trainExit == 0, trainError);

        var (evalExit, evaluated, evalError) = await InvokeAsync(["router", "eval", "--data", test, "--model", model, .. pair]);
        Assert.True(evalExit == 0, evalError);
        Assert.Contains("Read 200 outcomes from test.csv", evaluated, StringComparison.Ordinal);
        AssertBeatsBothBaselines(evaluated);
    }

    [Fact]
    public async Task ImportAndEval_FlatFileWithoutWeakAndStrong_ListTheModelColumns()
    {
        var path = WriteRouterBench("bench.csv", 10, seed: 3);
        var model = Path.Combine(_directory, "r.router");
        File.WriteAllText(model, "");

        var (exit, _, error) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path);
        var (evalExit, _, evalError) = await InvokeAsync("router", "eval", "--data", path, "--model", model);

        Assert.Equal(1, exit);
        Assert.Contains("bench.csv:2: 3 model columns (gpt-4-1106-preview, meta/llama-2-70b-chat, mistralai/mixtral-8x7b-chat): name the two to compare with --weak MODEL --strong MODEL", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
        // eval checks the router file first; an empty one is not a router.
        Assert.Equal(1, evalExit);
        Assert.NotEmpty(evalError);
    }

    [Fact]
    public async Task Import_JudgeScoresOutOfTen_AreNormalisedAndTheScaleReported()
    {
        var path = Path.Combine(_directory, "judge.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 10).Select(i => $"{{\"prompt\": \"q{i}\", \"mixtral_score\": {i % 2 * 8 + 1}, \"gpt4_score\": 9}}"));

        var (exit, stdout, error) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path, "--weak", "mixtral", "--strong", "gpt4");

        Assert.True(exit == 0, error);
        Assert.Contains("weak mixtral_score on 0-10, strong gpt4_score on 0-10", stdout, StringComparison.Ordinal);
        Assert.Contains("the cheap tier failed 5 (50%)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_OneKindOnly_SaysWhatItNeeds()
    {
        var path = Path.Combine(_directory, "passes.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 20).Select(i => "{\"prompt\": \"question " + i + "\", \"scores\": {\"open\": 1, \"frontier\": 1}}"));
        await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path);

        var (exit, _, error) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", Path.Combine(_directory, "r.router"));

        Assert.Equal(1, exit);
        Assert.Contains("Not enough to learn from: 20 examples, 0 where the cheap tier failed", error, StringComparison.Ordinal);
    }

    /// <summary>Outcomes where the cheap tier fails code and maths prompts and passes the rest.</summary>
    private string WriteOutcomes(string name, int count, int seed)
    {
        var random = new Random(seed);
        string[] hard = ["Fix the null pointer exception in this Java method", "Prove that there are infinitely many primes", "Write a recursive descent parser in C++", "Solve the integral of x squared times sine x", "Why does this SQL join return duplicates"];
        // Easy prompts are as long as the hard ones or longer, so that prompt length says nothing useful.
        string[] easy = ["Suggest a friendly name for the small grey cat that sleeps all day on our sofa", "What is the capital city of Spain and what is it best known for", "Write a warm birthday message for my grandmother who turns ninety", "Recommend a relaxing film to watch tonight with the whole family", "How long should I boil an egg if I like the yolk a little runny"];
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var isHard = random.NextDouble() < 0.35;
            var prompt = (isHard ? hard : easy)[random.Next(5)] + $" (case {seed}-{i})";
            // The cheap tier fails most hard prompts and a few easy ones; the frontier passes nearly all.
            var weak = isHard ? (random.NextDouble() < 0.85 ? 0 : 1) : (random.NextDouble() < 0.05 ? 0 : 1);
            var strong = random.NextDouble() < 0.97 ? 1 : 0;
            lines.Add(JsonSerializer.Serialize(new { prompt, scores = new Dictionary<string, int> { ["open"] = weak, ["frontier"] = strong } }));
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Outcomes whose prompts say nothing: the cheap tier fails the requests tagged <c>legal</c> and passes the rest.</summary>
    private string WriteTaggedOutcomes(string name, int count, int seed)
    {
        var random = new Random(seed);
        string[] asks = ["Summarise this letter for me", "Draft a short reply to the customer", "List the open questions in these notes", "Rewrite this paragraph more clearly", "Translate this note into plain English"];
        string[][] teams = [["legal", "support"], ["sales", "support"], ["support"], ["marketing"]];
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var tags = teams[random.Next(teams.Length)];
            var weak = tags.Contains("legal") ? (random.NextDouble() < 0.9 ? 0 : 1) : (random.NextDouble() < 0.05 ? 0 : 1);
            var prompt = asks[random.Next(asks.Length)] + $" (case {seed}-{i})";
            lines.Add(JsonSerializer.Serialize(new { prompt, tags, scores = new Dictionary<string, int> { ["open"] = weak, ["frontier"] = 1 } }));
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static EscalationRecord Escalation(string id, DateTimeOffset at, string request) => new()
    {
        RequestId = id,
        Timestamp = at,
        Route = "chat",
        Endpoint = "chat.completions",
        Label = "code",
        Request = request,
        CheapDeployment = "llama",
        CheapAnswer = "No.",
        CheapScore = 0,
        FinalDeployment = "gpt",
        FinalAnswer = "Yes.",
        FinalScore = 1,
    };

    /// <summary>
    /// The same kind of outcomes in RouterBench's shape: pandas' index column, the prompt as a Python list literal,
    /// eval_name, a score column per model with its response and cost columns, and the oracle's pick.
    /// </summary>
    private string WriteRouterBench(string name, int count, int seed)
    {
        var random = new Random(seed);
        string[] hard = ["Fix the null pointer exception in this Java method", "Prove that there are infinitely many primes", "Write a recursive descent parser in C++", "Solve the integral of x squared times sine x", "Why doesn't this SQL join return duplicates"];
        string[] easy = ["Suggest a friendly name for the small grey cat that sleeps all day on our sofa", "What is the capital city of Spain and what is it best known for", "Write a warm birthday message for my grandmother who turns ninety", "Recommend a relaxing film to watch tonight with the whole family", "How long should I boil an egg if I like the yolk a little runny"];
        string[] models = ["gpt-4-1106-preview", "meta/llama-2-70b-chat", "mistralai/mixtral-8x7b-chat"];
        var lines = new List<string> { ",sample_id,prompt,eval_name," + string.Join(",", models.Select(m => $"{m},{m}|model_response,{m}|total_cost")) + ",oracle_model_to_route_to" };
        for (var i = 0; i < count; i++)
        {
            var isHard = random.NextDouble() < 0.35;
            var text = (isHard ? hard : easy)[random.Next(5)] + $" (case {seed}-{i})";
            var prompt = "['" + text.Replace("'", "\\'", StringComparison.Ordinal) + "']";
            var llama = isHard ? (random.NextDouble() < 0.85 ? 0 : 1) : (random.NextDouble() < 0.05 ? 0 : 1);
            var gpt4 = random.NextDouble() < 0.97 ? 1 : 0;
            var mixtral = random.Next(2);
            var cells = new List<string> { i.ToString(CultureInfo.InvariantCulture), $"bench.{i}", Csv(prompt), isHard ? "hard-bench" : "easy-bench" };
            foreach (var score in (int[])[gpt4, llama, mixtral])
            {
                cells.Add(score.ToString("0.0", CultureInfo.InvariantCulture));
                cells.Add(Csv("An answer, with \"quotes\"\nand a second line."));
                cells.Add("0.0012");
            }

            cells.Add(llama == 1 ? "meta/llama-2-70b-chat" : "gpt-4-1106-preview");
            lines.Add(string.Join(",", cells));
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        return path;
    }

    private static string Csv(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The trained router beats the random and the prompt-length router on APGR, AUROC and CPT(50%) (lower is better).</summary>
    private static void AssertBeatsBothBaselines(string evaluated)
    {
        foreach (var baseline in (string[])["random (expected)", "prompt length"])
        {
            Assert.True(Cell(evaluated, "trained router", 1) > Cell(evaluated, baseline, 1), $"APGR against {baseline}:\n{evaluated}");
            Assert.True(Cell(evaluated, "trained router", 4) > Cell(evaluated, baseline, 4), $"AUROC against {baseline}:\n{evaluated}");
            Assert.True(Cell(evaluated, "trained router", 2) < Cell(evaluated, baseline, 2), $"CPT(50%) against {baseline}:\n{evaluated}");
        }
    }

    /// <summary>The APGR cell of a router's row in the eval table.</summary>
    private static double Row(string output, string router) => Cell(output, router, 1);

    /// <summary>A cell of a router's row in the eval table: 1 APGR, 2 CPT(50%), 3 CPT(80%), 4 AUROC (percentages as shares).</summary>
    private static double Cell(string output, string router, int column)
    {
        var line = output.Split('\n').First(l => l.Contains(router, StringComparison.Ordinal));
        var cells = line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var cell = cells[column];
        return cell.EndsWith('%')
            ? double.Parse(cell[..^1], CultureInfo.InvariantCulture) / 100
            : double.Parse(cell, CultureInfo.InvariantCulture);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(RouterCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
